/**
 * Content watching for pot-nats: inotify events (through java.nio's WatchService) as hints, SHA-256
 * digests after a quiet period as the truth, commons-io polling as the fallback.
 */
module com.datasance.pot.nats.watch {
    requires transitive com.datasance.pot.nats.api;
    requires org.slf4j;
    requires org.apache.commons.io;

    exports com.datasance.pot.nats.watch;
}
