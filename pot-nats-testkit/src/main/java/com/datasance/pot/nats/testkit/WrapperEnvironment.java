package com.datasance.pot.nats.testkit;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ports and environment of one pot-nats wrapper that a test runs as a process: a client port
 * and a monitoring port, free on 127.0.0.1 ({@link FreePorts}), and {@link Builder}s for the
 * environment contract's variables (NATS_CONF, NATS_SERVER_BIN, NATS_MONITOR_PORT, the mounts,
 * the operator tree's resolver and creds, NATS_CLIENT_URL).
 *
 * <p>Immutable; one per test (the ports are taken when it is made).
 */
public final class WrapperEnvironment {

    private final int clientPort;
    private final Monitoring monitoring;

    private WrapperEnvironment(int clientPort, Monitoring monitoring) {
        this.clientPort = clientPort;
        this.monitoring = monitoring;
    }

    /**
     * A client port and a monitoring port, each free a moment ago.
     *
     * @return a new environment with its own ports
     */
    public static WrapperEnvironment onFreePorts() {
        return new WrapperEnvironment(FreePorts.next(), new Monitoring(FreePorts.next()));
    }

    /**
     * A builder for {@code conf}'s environment: NATS_CONF and NATS_SERVER_BIN ({@link
     * NatsServerBinary#require()}, so a missing binary fails the test with the install hint).
     *
     * @param conf the nats-server config file the wrapper supervises
     * @return a new builder
     */
    public static Builder builder(Path conf) {
        return new Builder(conf);
    }

    /**
     * The client port for nats-server, free on 127.0.0.1 when this was made.
     *
     * @return the client port
     */
    public int clientPort() {
        return clientPort;
    }

    /**
     * The URL a client connects to.
     *
     * @return {@code nats://127.0.0.1:<client port>}
     */
    public String clientUrl() {
        return "nats://127.0.0.1:" + clientPort;
    }

    /**
     * nats-server's monitoring on the monitoring port (NATS_MONITOR_PORT).
     *
     * @return the monitoring client for that port
     */
    public Monitoring monitoring() {
        return monitoring;
    }

    /**
     * {@code -a 127.0.0.1 -p <client port>}: the wrapper hands them to nats-server, where they
     * override the config's listen address.
     *
     * @return the four arguments, unmodifiable
     */
    public List<String> listenArguments() {
        return List.of("-a", "127.0.0.1", "-p", Integer.toString(clientPort));
    }

    /**
     * {@link #builder(Path)} for {@code conf}, with NATS_MONITOR_PORT set to the monitoring port.
     *
     * @param conf the nats-server config file the wrapper supervises
     * @return a new builder
     */
    public Builder env(Path conf) {
        return builder(conf).monitorPort(monitoring.port());
    }

    /**
     * The wrapper's environment variables, one knob per part of the contract; {@link #set} for
     * any other. A later setting of a variable replaces an earlier one. Not thread-safe.
     */
    public static final class Builder {

        private final Map<String, String> variables = new HashMap<>();

        private Builder(Path conf) {
            variables.put("NATS_CONF", conf.toString());
            variables.put("NATS_SERVER_BIN", NatsServerBinary.require().toString());
        }

        /**
         * NATS_MONITOR_PORT.
         *
         * @param port the monitoring port, 0 to 65535
         * @return this builder
         * @throws IllegalArgumentException when {@code port} is out of range
         */
        public Builder monitorPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("a port is 0 to 65535, found " + port);
            }
            return set("NATS_MONITOR_PORT", Integer.toString(port));
        }

        /**
         * The watched mounts under {@code dir}: NATS_ACCOUNTS {@code accounts/accounts.conf},
         * NATS_SSL_DIR {@code certs}, NATS_JWT_DIR {@code jwt}, NATS_CREDS_DIR {@code creds}
         * (none of them is created).
         *
         * @param dir the directory that holds the mounts
         * @return this builder
         */
        public Builder mountsUnder(Path dir) {
            set("NATS_ACCOUNTS", dir.resolve("accounts/accounts.conf").toString());
            set("NATS_SSL_DIR", dir.resolve("certs").toString());
            set("NATS_JWT_DIR", dir.resolve("jwt").toString());
            return set("NATS_CREDS_DIR", dir.resolve("creds").toString());
        }

        /**
         * {@code operator}'s tree for purge reconciliation: NATS_JWT_DIR its resolver directory,
         * NATS_CREDS_DIR its creds directory, NATS_SYS_USER_CRED_PATH the system user's creds
         * (relative to NATS_CREDS_DIR).
         *
         * @param operator the operator tree
         * @return this builder
         */
        public Builder operator(OperatorFixture operator) {
            set("NATS_JWT_DIR", operator.resolverDir().toString());
            set("NATS_CREDS_DIR", operator.credsDir().toString());
            return set(
                    "NATS_SYS_USER_CRED_PATH",
                    operator.system().credsFile().getFileName().toString());
        }

        /**
         * NATS_CLIENT_URL: where the wrapper connects for purge and the claims push.
         *
         * @param url the client URL, e.g. {@link WrapperEnvironment#clientUrl()}
         * @return this builder
         */
        public Builder clientUrl(String url) {
            return set("NATS_CLIENT_URL", url);
        }

        /**
         * Any variable, e.g. {@code set("NATS_RELOAD_DEBOUNCE", "100ms")}.
         *
         * @param name the variable's name, non-empty and without {@code =}
         * @param value its value
         * @return this builder
         * @throws IllegalArgumentException when {@code name} is empty or holds {@code =}
         */
        public Builder set(String name, String value) {
            if (name.isEmpty() || name.indexOf('=') >= 0) {
                throw new IllegalArgumentException("not a variable name: '" + name + "'");
            }
            variables.put(name, value);
            return this;
        }

        /**
         * The variables set so far.
         *
         * @return a new modifiable map, the caller's to change further
         */
        public Map<String, String> build() {
            return new HashMap<>(variables);
        }
    }
}
