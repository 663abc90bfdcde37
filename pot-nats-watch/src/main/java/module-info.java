/**
 * Content watching for pot-nats: inotify events (through java.nio's WatchService) as hints, SHA-256
 * digests after a quiet period as the truth, commons-io polling as the fallback. Generic over the
 * caller's key for each watched path, so it needs no other pot-nats module.
 */
module com.datasance.pot.nats.watch {
    requires org.slf4j;
    requires org.apache.commons.io;

    exports com.datasance.pot.nats.watch;
}
