package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.testkit.NatsServerBinary;
import com.datasance.pot.nats.testkit.NatsServerFixture;
import com.datasance.pot.nats.testkit.OperatorFixture;
import com.datasance.pot.nats.testkit.Streams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An operator-mode tree with two accounts that each have a file stream of {@link #MESSAGES}
 * messages, written by a real nats-server: {@code live} stays in the resolver, {@code gone} is
 * the one tests remove. {@link #env} is the wrapper's environment for this tree.
 */
final class PurgeFixture {

    static final int MESSAGES = 7;
    static final String STREAM = "ORDERS";

    final OperatorFixture operator;
    final OperatorFixture.Account live;
    final OperatorFixture.Account gone;
    final Path conf;

    private PurgeFixture(Path dir) {
        operator = OperatorFixture.create(dir);
        live = operator.addAccount("live");
        gone = operator.addAccount("gone");
        conf = operator.writeServerConfig("");
    }

    /** The tree without any JetStream data. */
    static PurgeFixture withoutData(Path dir) {
        return new PurgeFixture(dir);
    }

    /** The tree, with both accounts' streams written by a server that is stopped again. */
    static PurgeFixture withData(Path dir) throws IOException, InterruptedException {
        PurgeFixture fixture = new PurgeFixture(dir);
        try (NatsServerFixture server = fixture.startServer()) {
            fixture.streams(server.clientUrl(), fixture.live).createWithMessages(STREAM, MESSAGES, 1);
            fixture.streams(server.clientUrl(), fixture.gone).createWithMessages(STREAM, MESSAGES, 1);
        }
        return fixture;
    }

    NatsServerFixture startServer() throws InterruptedException {
        return NatsServerFixture.start(conf, List.of(), Map.of());
    }

    Streams streams(String url, OperatorFixture.Account account) {
        return Streams.at(url, account.credsFile());
    }

    /** The wrapper's environment: this config and resolver, the system user's creds, {@code url}. */
    Map<String, String> env(String url, int monitorPort) {
        Map<String, String> env = new HashMap<>();
        env.put("NATS_CONF", conf.toString());
        env.put("NATS_SERVER_BIN", NatsServerBinary.require().toString());
        env.put("NATS_MONITOR_PORT", Integer.toString(monitorPort));
        env.put("NATS_SHUTDOWN_TIMEOUT", "10s");
        env.put("NATS_JWT_DIR", operator.resolverDir().toString());
        env.put("NATS_CREDS_DIR", operator.credsDir().toString());
        env.put(
                "NATS_SYS_USER_CRED_PATH",
                operator.system().credsFile().getFileName().toString());
        env.put("NATS_CLIENT_URL", url);
        // The tests that need a grace period set one; the others purge at once.
        env.put("NATS_PURGE_GRACE", "0");
        return env;
    }

    void removeJwt(OperatorFixture.Account account) throws IOException {
        Files.delete(account.jwtFile());
    }

    Path storeDirOf(OperatorFixture.Account account) {
        return operator.accountStoreDir(account);
    }

    boolean streamOnDisk(OperatorFixture.Account account) {
        return Files.isDirectory(storeDirOf(account).resolve("streams").resolve(STREAM));
    }
}
