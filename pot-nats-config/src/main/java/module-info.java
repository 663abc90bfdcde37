/**
 * Reader for the NATS server config format (nats-server's {@code conf} package grammar) and the
 * facts pot-nats needs from a server config: JetStream store directory, referenced files, system
 * account, operator mode and resolver.
 */
module com.datasance.pot.nats.config {
    requires transitive com.datasance.pot.nats.api;
    requires org.slf4j;

    exports com.datasance.pot.nats.config;
}
