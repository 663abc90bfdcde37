/**
 * JetStream purge reconciliation for nats-server in operator mode: accounts with data on disk
 * minus accounts in the JWT resolver, purged through {@code $JS.API.ACCOUNT.PURGE.<account>} as
 * the system user behind safety checks; also the claims push and the JWT mount mirror.
 */
// jnats ships no module-info; it is required as the automatic module 'io.nats.jnats', transitively
// because PurgeSettings.ConnectionHook hands the caller jnats' Options and Connection.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module com.datasance.pot.nats.jetstream {
    requires transitive com.datasance.pot.nats.api;
    requires transitive io.nats.jnats;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports com.datasance.pot.nats.jetstream;

    // Jackson binds the API reply records by reflection.
    opens com.datasance.pot.nats.jetstream to
            com.fasterxml.jackson.databind;
}
