package com.datasance.pot.nats.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * A nats-server cluster on 127.0.0.1 in operator mode with clustered JetStream: every node has
 * its own store dir ({@code node-N/store}) and route port; all share the operator tree's resolver
 * directory. Nodes start at once, because a JetStream node only reports healthy once it has a
 * meta leader, which needs a quorum.
 *
 * <p>Not thread-safe; {@link #close()} stops every node.
 */
public final class NatsClusterFixture implements AutoCloseable {

    private final List<NatsServerFixture> nodes;
    private final List<Path> storeDirs;

    private NatsClusterFixture(List<NatsServerFixture> nodes, List<Path> storeDirs) {
        this.nodes = List.copyOf(nodes);
        this.storeDirs = List.copyOf(storeDirs);
    }

    /**
     * Starts {@code size} nodes named {@code n1..nN} in cluster {@code pot}, under {@code dir}, in
     * parallel, each with its own store dir, free client, monitoring and route ports.
     *
     * @param operator the trust tree every node runs in operator mode with
     * @param dir where each node gets {@code node-N/} (config and store)
     * @param size how many nodes (3 for a JetStream cluster that survives one loss)
     * @return the running cluster; close it to stop every node
     * @throws UncheckedIOException when a config cannot be written
     * @throws AssertionError when a node does not start (the others are stopped)
     */
    public static NatsClusterFixture start(OperatorFixture operator, Path dir, int size) {
        List<Integer> routePorts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            routePorts.add(FreePorts.next());
        }
        String routes = routePorts.stream()
                .map(port -> "nats-route://127.0.0.1:" + port)
                .collect(Collectors.joining(", "));
        List<Path> configs = new ArrayList<>();
        List<Path> storeDirs = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Path nodeDir = dir.resolve("node-" + (i + 1));
            Path store = nodeDir.resolve("store");
            String cluster = "server_name: n" + (i + 1) + "\n" + "cluster {\n  name: pot\n  listen: 127.0.0.1:"
                    + routePorts.get(i) + "\n  routes: [" + routes + "]\n}\n";
            Path config = nodeDir.resolve("server.conf");
            try {
                Files.createDirectories(store);
                Files.writeString(config, operator.serverConfig(store, cluster), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + config, e);
            }
            configs.add(config);
            storeDirs.add(store);
        }
        List<CompletableFuture<NatsServerFixture>> starting = configs.stream()
                .map(config -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return NatsServerFixture.start(config, List.of(), Map.of());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while starting " + config, e);
                    }
                }))
                .toList();
        List<NatsServerFixture> nodes = new ArrayList<>();
        AssertionError failure = null;
        for (CompletableFuture<NatsServerFixture> node : starting) {
            try {
                nodes.add(node.join());
            } catch (CompletionException e) {
                failure = failure == null ? new AssertionError("a cluster node did not start", e.getCause()) : failure;
            }
        }
        NatsClusterFixture cluster = new NatsClusterFixture(nodes, storeDirs);
        if (failure != null) {
            cluster.close();
            throw failure;
        }
        return cluster;
    }

    /**
     * The nodes, in start order.
     *
     * @return node {@code i} is named {@code n(i+1)}; unmodifiable
     */
    public List<NatsServerFixture> nodes() {
        return nodes;
    }

    /**
     * The configured store dir of a node.
     *
     * @param index the node, 0-based
     * @return its {@code store_dir} (which holds {@code jetstream/})
     */
    public Path storeDir(int index) {
        return storeDirs.get(index);
    }

    /**
     * The {@code server_name} of a node.
     *
     * @param index the node, 0-based
     * @return {@code n1} for index 0, and so on
     */
    public String serverName(int index) {
        return "n" + (index + 1);
    }

    /**
     * The JetStream meta leader as one node sees it (its {@code /varz}).
     *
     * @param index the node asked, 0-based
     * @return the leader's server name; empty while the node knows none
     * @throws AssertionError when the node's monitoring does not answer
     */
    public Optional<String> metaLeader(int index) {
        return nodes.get(index).monitoring().metaLeader();
    }

    @Override
    public void close() {
        for (NatsServerFixture node : nodes) {
            try {
                node.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
