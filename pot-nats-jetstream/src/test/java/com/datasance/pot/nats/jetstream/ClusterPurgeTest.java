package com.datasance.pot.nats.jetstream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.NatsClusterFixture;
import com.datasance.pot.nats.testkit.OperatorFixture;
import com.datasance.pot.nats.testkit.Streams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes with clustered JetStream: only the meta leader answers a purge and the deletion
 * happens asynchronously on every node, so the test talks to a follower and awaits the result.
 */
class ClusterPurgeTest {

    private static final String STREAM = "ORDERS";
    private static final int MESSAGES = 5;

    @TempDir
    Path dir;

    @Test
    void shouldPurgeOnEveryNodeThroughAFollowerAndKeepMetaState() throws Exception {
        OperatorFixture operator = OperatorFixture.create(dir.resolve("op"));
        OperatorFixture.Account live = operator.addAccount("live");
        OperatorFixture.Account gone = operator.addAccount("gone");
        try (NatsClusterFixture cluster = NatsClusterFixture.start(operator, dir.resolve("cluster"), 3)) {
            String anyUrl = cluster.nodes().getFirst().clientUrl();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> cluster.metaLeader(0).isPresent());
            for (OperatorFixture.Account account : List.of(live, gone)) {
                Streams streams = Streams.at(anyUrl, account.credsFile());
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                    streams.create(STREAM, 3);
                    return true;
                });
                streams.publish(STREAM, MESSAGES);
            }
            for (OperatorFixture.Account account : List.of(live, gone)) {
                Streams streams = Streams.at(anyUrl, account.credsFile());
                await("every copy of " + account.name() + "'s stream current")
                        .atMost(Duration.ofSeconds(60))
                        .ignoreExceptions()
                        .until(() -> streams.currentCopies(STREAM).size() == 3);
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> IntStream.range(0, 3).allMatch(i -> Files.isDirectory(streamDir(cluster, i, gone))));
            String leader = cluster.metaLeader(0).orElseThrow();
            int follower = IntStream.range(0, 3)
                    .filter(i -> !cluster.serverName(i).equals(leader))
                    .findFirst()
                    .orElseThrow();
            Files.delete(gone.jwtFile());
            PurgeSettings settings = PurgeSettings.builder()
                    .storeDir(cluster.storeDir(follower))
                    .resolverDir(operator.resolverDir())
                    .systemAccount(operator.system().publicKey())
                    .clientUrl(cluster.nodes().get(follower).clientUrl())
                    .credsFile(operator.system().credsFile())
                    .grace(java.time.Duration.ZERO)
                    .build();

            PurgeReport report = JetStreamReconciler.of(settings).reconcile();

            assertEquals(List.of(new PurgeOutcome.Purged(gone.publicKey())), report.outcomes());
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> IntStream.range(0, 3).noneMatch(i -> Files.exists(streamDir(cluster, i, gone))));
            for (int i = 0; i < 3; i++) {
                Path meta = cluster.storeDir(i)
                        .resolve("jetstream")
                        .resolve(operator.system().publicKey())
                        .resolve("_js_");
                assertTrue(Files.isDirectory(meta), "meta state of node " + cluster.serverName(i) + " is gone");
                assertTrue(Files.isDirectory(streamDir(cluster, i, live)), "live stream gone on node " + i);
                String url = cluster.nodes().get(i).clientUrl();
                assertEquals(MESSAGES, Streams.at(url, live.credsFile()).messageCount(STREAM));
            }
        }
    }

    private static Path streamDir(NatsClusterFixture cluster, int node, OperatorFixture.Account account) {
        return cluster.storeDir(node)
                .resolve("jetstream")
                .resolve(account.publicKey())
                .resolve("streams")
                .resolve(STREAM);
    }
}
