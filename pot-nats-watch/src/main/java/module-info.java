/**
 * Content watching for pot-nats: inotify events (through java.nio's WatchService) as hints, SHA-256
 * digests after a quiet period as the truth, commons-io polling as the fallback. Generic over the
 * caller's key for each watched path; of pot-nats it uses only pot-nats-api's {@code SafeText}, so
 * that paths from outside never split a log line.
 */
module com.datasance.pot.nats.watch {
    requires com.datasance.pot.nats.api;
    requires org.slf4j;
    requires org.apache.commons.io;

    exports com.datasance.pot.nats.watch;
}
