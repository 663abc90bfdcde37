package com.datasance.pot.nats.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway CA and a server certificate for 127.0.0.1 (and localhost), made at test time with
 * the {@code openssl} command-line tool. Nothing is checked in; every run gets new keys.
 */
public final class TlsFixture {

    private final Path caFile;
    private final Path certFile;
    private final Path keyFile;

    private TlsFixture(Path dir) {
        this.caFile = dir.resolve("ca.pem");
        this.certFile = dir.resolve("server-cert.pem");
        this.keyFile = dir.resolve("server-key.pem");
    }

    /**
     * Generates the CA and the server certificate under {@code dir} (created when missing).
     *
     * @param dir where the PEM files go
     * @return the fixture naming the files
     * @throws AssertionError when {@code openssl} is missing (with how to install it) or fails
     * @throws UncheckedIOException when {@code dir} or a file in it cannot be written
     * @throws InterruptedException when interrupted while {@code openssl} runs
     */
    public static TlsFixture create(Path dir) throws InterruptedException {
        try {
            Files.createDirectories(dir);
            Path ext = dir.resolve("san.ext");
            Files.writeString(
                    ext,
                    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
                    StandardCharsets.UTF_8);
            TlsFixture tls = new TlsFixture(dir);
            Path caKey = dir.resolve("ca-key.pem");
            Path csr = dir.resolve("server.csr");
            openssl(
                    dir,
                    "req",
                    "-x509",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:prime256v1",
                    "-nodes",
                    "-keyout",
                    caKey.toString(),
                    "-out",
                    tls.caFile.toString(),
                    "-days",
                    "2",
                    "-subj",
                    "/CN=pot-nats test CA");
            openssl(
                    dir,
                    "req",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:prime256v1",
                    "-nodes",
                    "-keyout",
                    tls.keyFile.toString(),
                    "-out",
                    csr.toString(),
                    "-subj",
                    "/CN=127.0.0.1");
            openssl(
                    dir,
                    "x509",
                    "-req",
                    "-in",
                    csr.toString(),
                    "-CA",
                    tls.caFile.toString(),
                    "-CAkey",
                    caKey.toString(),
                    "-CAcreateserial",
                    "-out",
                    tls.certFile.toString(),
                    "-days",
                    "2",
                    "-extfile",
                    ext.toString());
            return tls;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create TLS material under " + dir, e);
        }
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new AssertionError(
                    "the 'openssl' command is needed to make test certificates; install it with 'apt-get install openssl'",
                    e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("'" + String.join(" ", command) + "' failed:\n" + output);
        }
    }

    /**
     * The CA certificate, for a client's trust or a {@code ca_file}.
     *
     * @return {@code dir/ca.pem}
     */
    public Path caFile() {
        return caFile;
    }

    /**
     * The server certificate, for 127.0.0.1 and localhost, signed by the CA.
     *
     * @return {@code dir/server-cert.pem}
     */
    public Path certFile() {
        return certFile;
    }

    /**
     * The server certificate's private key.
     *
     * @return {@code dir/server-key.pem}
     */
    public Path keyFile() {
        return keyFile;
    }

    /**
     * A nats-server {@code tls {}} block serving the certificate.
     *
     * @return the block, with absolute file paths and a 5 s handshake timeout
     */
    public String serverConfigBlock() {
        return "tls {\n  cert_file: \"" + certFile + "\"\n  key_file: \"" + keyFile + "\"\n  timeout: 5\n}\n";
    }

    /**
     * A client context that trusts only this fixture's CA.
     *
     * @return a TLS context for jnats' {@code Options.Builder.sslContext}
     * @throws IllegalStateException when the CA file cannot be read or loaded
     */
    public SSLContext clientContext() {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a client TLS context from " + caFile, e);
        }
    }
}
