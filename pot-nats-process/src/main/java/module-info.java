/**
 * The nats-server child process: start, signals through kill(2), graceful stop, exit status, the
 * one-shot config check and the binary lookup.
 *
 * <p>Signals are sent by linking {@code kill(2)} through {@code java.lang.foreign}, which is a
 * restricted method: run with {@code --enable-native-access=com.datasance.pot.nats.process} on the
 * module path, or {@code --enable-native-access=ALL-UNNAMED} on the class path (the launcher's jar
 * says so in its manifest).
 */
module com.datasance.pot.nats.process {
    requires transitive com.datasance.pot.nats.api;
    requires org.slf4j;

    exports com.datasance.pot.nats.process;
}
