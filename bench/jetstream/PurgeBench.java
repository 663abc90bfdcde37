import com.datasance.pot.nats.jetstream.PurgeOutcome;
import com.datasance.pot.nats.jetstream.PurgeReport;
import com.datasance.pot.nats.jetstream.JetStreamReconciler;
import com.datasance.pot.nats.jetstream.PurgePlan;
import com.datasance.pot.nats.jetstream.PurgeSettings;
import com.datasance.pot.nats.testkit.NatsJwt;
import com.datasance.pot.nats.testkit.NatsServerFixture;
import com.datasance.pot.nats.testkit.OperatorFixture;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Benchmarks of pot-nats-jetstream (DESIGN.md budgets): the plan for 10,000 accounts on disk and
 * in the resolver (under 100 ms), and purging 1,000 accounts over one connection against one
 * connection per account as the Go original did (at least 10x). Run through bench/jetstream/run.sh.
 */
public final class PurgeBench {

    public static void main(String[] args) throws Exception {
        int planAccounts = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int purgeAccounts = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        Path root = Files.createTempDirectory("pot-nats-bench-");
        System.out.println("nats-server: " + com.datasance.pot.nats.testkit.NatsServerBinary.require());
        System.out.println("java: " + Runtime.version() + ", cpus: " + Runtime.getRuntime().availableProcessors());
        plan(root.resolve("plan"), planAccounts);
        purge(root.resolve("purge"), purgeAccounts);
    }

    private static void plan(Path dir, int accounts) throws Exception {
        Path store = dir.resolve("store");
        Path resolver = Files.createDirectories(dir.resolve("jwt"));
        Path jetstream = Files.createDirectories(store.resolve("jetstream"));
        SecureRandom random = new SecureRandom();
        String system = NatsJwt.publicKey(NKey.createAccount(random));
        Files.writeString(resolver.resolve(system + ".jwt"), "x");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            String key = NatsJwt.publicKey(NKey.createAccount(random));
            keys.add(key);
            Files.createDirectories(jetstream.resolve(key).resolve("streams"));
            Files.writeString(resolver.resolve(key + ".jwt"), "x");
        }
        PurgeSettings settings = PurgeSettings.builder()
                .storeDir(store)
                .resolverDir(resolver)
                .systemAccount(system)
                .clientUrl("nats://127.0.0.1:1")
                .build();
        JetStreamReconciler reconciler = JetStreamReconciler.of(settings);
        report("plan, " + accounts + " on disk, all in resolver", reconciler, 0);
        // A tenth of the accounts removed from the resolver: the plan now has work to do.
        for (int i = 0; i < accounts / 10; i++) {
            Files.delete(resolver.resolve(keys.get(i) + ".jwt"));
        }
        report("plan, " + accounts + " on disk, " + (accounts - accounts / 10) + " in resolver", reconciler, accounts / 10);
    }

    private static void report(String what, JetStreamReconciler reconciler, int expected) throws Exception {
        long cold = System.nanoTime();
        PurgePlan first = reconciler.plan();
        cold = System.nanoTime() - cold;
        if (first.toPurge().size() != expected) {
            throw new AssertionError(what + ": planned " + first.toPurge().size() + ", expected " + expected);
        }
        for (int i = 0; i < 5; i++) {
            reconciler.plan();
        }
        int runs = 21;
        long[] times = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            reconciler.plan();
            times[i] = System.nanoTime() - start;
        }
        Arrays.sort(times);
        System.out.printf(
                "%-50s first %6.1f ms | median %6.1f ms | max %6.1f ms (%d runs)%n",
                what, cold / 1e6, times[runs / 2] / 1e6, times[runs - 1] / 1e6, runs);
    }

    private static void purge(Path dir, int accounts) throws Exception {
        OperatorFixture operator = OperatorFixture.create(dir);
        OperatorFixture.Account live = operator.addAccount("live");
        List<OperatorFixture.Account> batchA = new ArrayList<>();
        List<OperatorFixture.Account> batchB = new ArrayList<>();
        List<OperatorFixture.Account> batchC = new ArrayList<>();
        List<OperatorFixture.Account> warmA = new ArrayList<>();
        List<OperatorFixture.Account> warmB = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            batchA.add(operator.addAccount("a" + i));
            batchB.add(operator.addAccount("b" + i));
            batchC.add(operator.addAccount("c" + i));
        }
        for (int i = 0; i < WARM_UP; i++) {
            warmA.add(operator.addAccount("wa" + i));
            warmB.add(operator.addAccount("wb" + i));
        }
        try (NatsServerFixture server =
                NatsServerFixture.start(operator.writeServerConfig(""), List.of(), Map.of())) {
            // Load every account (a user connects once), so the purge measures the API and the
            // connection, not nats-server 2.9's ~2 s resolver fetch for an account it never loaded.
            for (OperatorFixture.Account account : concat(concat(batchA, batchB), concat(concat(warmA, warmB), batchC))) {
                try (Connection c = Nats.connect(Options.builder()
                        .server(server.clientUrl())
                        .authHandler(Nats.credentials(account.credsFile().toString()))
                        .build())) {
                    c.flush(Duration.ofSeconds(5));
                }
                Path data = operator.accountStoreDir(account).resolve("streams").resolve("S");
                Files.createDirectories(data);
                Files.writeString(data.resolve("1.blk"), "data", StandardCharsets.UTF_8);
                Files.delete(account.jwtFile());
            }
            PurgeSettings settings = PurgeSettings.builder()
                    .storeDir(operator.storeDir())
                    .resolverDir(operator.resolverDir())
                    .systemAccount(operator.system().publicKey())
                    .clientUrl(server.clientUrl())
                    .credsFile(operator.system().credsFile())
                    // The grace period is a safety delay, not part of the cost measured here.
                    .grace(Duration.ZERO)
                    .build();
            JetStreamReconciler reconciler = JetStreamReconciler.of(settings);

            // Both ways run a small untimed batch first, so neither is measured with a cold JIT.
            onePass(reconciler, warmA);
            perAccount(server, operator, warmB);

            long start = System.nanoTime();
            onePass(reconciler, batchA);
            long oneConnection = System.nanoTime() - start;
            checkGone(operator, batchA);

            start = System.nanoTime();
            perAccount(server, operator, batchB);
            long perAccount = System.nanoTime() - start;
            checkGone(operator, batchB);
            check(Files.isDirectory(operator.accountStoreDir(live).getParent()), "store dir is gone");

            // Floor: the same requests on one connection, 32 in flight, no checks, no logging.
            start = System.nanoTime();
            raw(server, operator, batchC);
            long raw = System.nanoTime() - start;
            checkGone(operator, batchC);

            System.out.printf("purge %d accounts, bare requests on one connection (floor) %8.1f ms (%.2f ms/account)%n",
                    accounts, raw / 1e6, raw / 1e6 / accounts);
            System.out.printf("purge %d accounts, one connection (pot-nats-jetstream)   %8.1f ms (%.2f ms/account)%n",
                    accounts, oneConnection / 1e6, oneConnection / 1e6 / accounts);
            System.out.printf("purge %d accounts, one connection per account (Go way)   %8.1f ms (%.2f ms/account)%n",
                    accounts, perAccount / 1e6, perAccount / 1e6 / accounts);
            System.out.printf("speed-up: %.1fx%n", (double) perAccount / oneConnection);
        }
    }

    private static final int WARM_UP = 100;

    private static void onePass(JetStreamReconciler reconciler, List<OperatorFixture.Account> accounts)
            throws Exception {
        List<PurgeOutcome> planned = new ArrayList<>();
        for (OperatorFixture.Account account : accounts) {
            planned.add(new PurgeOutcome.Planned(account.publicKey()));
        }
        PurgeReport report = reconciler.execute(new PurgePlan(planned, Optional.empty()));
        check(report.purged().size() == accounts.size(), "one connection purged " + report.summary() + ": " + report.outcomes().getFirst());
    }

    private static void perAccount(NatsServerFixture server, OperatorFixture operator, List<OperatorFixture.Account> accounts)
            throws Exception {
            for (OperatorFixture.Account account : accounts) {
                // The Go original's way: a new connection for every account.
                try (Connection c = Nats.connect(Options.builder()
                        .server(server.clientUrl())
                        .authHandler(Nats.credentials(operator.system().credsFile().toString()))
                        .build())) {
                    Message reply = c.request("$JS.API.ACCOUNT.PURGE." + account.publicKey(), new byte[0], Duration.ofSeconds(10));
                    check(reply != null && new String(reply.getData(), StandardCharsets.UTF_8).contains("\"initiated\":true"),
                            "per-connection purge of " + account.name());
                }
            }
    }

    private static void raw(NatsServerFixture server, OperatorFixture operator, List<OperatorFixture.Account> accounts)
            throws Exception {
        try (Connection c = Nats.connect(Options.builder()
                .server(server.clientUrl())
                .authHandler(Nats.credentials(operator.system().credsFile().toString()))
                .build())) {
            java.util.ArrayDeque<java.util.concurrent.CompletableFuture<Message>> window = new java.util.ArrayDeque<>();
            for (OperatorFixture.Account account : accounts) {
                window.add(c.requestWithTimeout("$JS.API.ACCOUNT.PURGE." + account.publicKey(), new byte[0], Duration.ofSeconds(10)));
                if (window.size() >= 32) {
                    window.poll().get();
                }
            }
            while (!window.isEmpty()) {
                window.poll().get();
            }
        }
    }

    private static void checkGone(OperatorFixture operator, List<OperatorFixture.Account> accounts) {
        for (OperatorFixture.Account account : accounts) {
            check(!Files.exists(operator.accountStoreDir(account)), "data of " + account.name() + " still on disk");
        }
    }

    private static List<OperatorFixture.Account> concat(List<OperatorFixture.Account> a, List<OperatorFixture.Account> b) {
        List<OperatorFixture.Account> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
