package com.datasance.pot.nats.jetstream;

import com.datasance.pot.nats.api.SafeText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the small files the purge path needs (creds, CA files, JWTs) without ever blocking or
 * reading without bound: the symlink chain is resolved first and its target must be a regular
 * file, checked before it is opened (opening a FIFO blocks until a writer comes; a device never
 * ends), and at most a cap of bytes is read.
 */
final class RegularFiles {

    /** Creds, CA bundles and JWTs are a few KiB; 1 MiB is far beyond any of them. */
    static final int MAX_BYTES = 1 << 20;

    private RegularFiles() {}

    /**
     * The real path of {@code file} when it is (through its links) a regular file of at most
     * {@code maxBytes}; opens nothing.
     *
     * @param what what the file is, for the message: e.g. {@code system user creds}
     */
    static Path check(Path file, int maxBytes, String what) throws ReconcileException {
        Path real;
        BasicFileAttributes attributes;
        try {
            real = file.toRealPath();
            attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new ReconcileException(
                    what + " " + SafeText.quote(file.toString()) + " do not exist or cannot be read: "
                            + SafeText.escape(e.toString()),
                    e);
        }
        if (!attributes.isRegularFile()) {
            throw new ReconcileException(what + " " + SafeText.quote(file.toString()) + " is not a regular file ("
                    + kind(attributes) + "); expected a regular file (not read)");
        }
        if (attributes.size() > maxBytes) {
            throw new ReconcileException(what + " " + SafeText.quote(file.toString()) + " is " + attributes.size()
                    + " bytes; expected at most " + maxBytes + " (not read)");
        }
        return real;
    }

    /**
     * The content of {@code file}, after {@link #check}; a file that grew past {@code maxBytes}
     * since is refused rather than read on.
     */
    static byte[] read(Path file, int maxBytes, String what) throws ReconcileException {
        Path real = check(file, maxBytes, what);
        byte[] content;
        try (SeekableByteChannel channel =
                        Files.newByteChannel(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                InputStream in = Channels.newInputStream(channel)) {
            content = in.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw new ReconcileException(
                    what + " " + SafeText.quote(file.toString()) + " cannot be read: " + SafeText.escape(e.toString()),
                    e);
        }
        if (content.length > maxBytes) {
            java.util.Arrays.fill(content, (byte) 0);
            throw new ReconcileException(what + " " + SafeText.quote(file.toString()) + " grew past " + maxBytes
                    + " bytes while read; expected at most " + maxBytes);
        }
        return content;
    }

    private static String kind(BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        if (attributes.isSymbolicLink()) {
            return "a symbolic link";
        }
        return "a FIFO, socket or device";
    }
}
