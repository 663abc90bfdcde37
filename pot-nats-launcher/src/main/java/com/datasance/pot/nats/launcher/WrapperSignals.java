package com.datasance.pot.nats.launcher;

import sun.misc.Signal;

/**
 * The wrapper's own SIGTERM, SIGINT and SIGHUP: each handler only enqueues an event for the
 * {@link Supervisor}, which acts on its own thread.
 *
 * <p>Why {@code sun.misc.Signal}: it is the JDK's supported way (module {@code jdk.unsupported},
 * JEP 260 keeps it) to replace the JVM's default action for these signals, which is to run the
 * shutdown hooks and exit, and would stop nats-server with no lame duck and no exit status of its
 * own. The JVM runs the handler on its "Signal Dispatcher" thread, outside signal context, so
 * plain Java is safe there. A handler installed through {@code java.lang.foreign} (sigaction with
 * an upcall) would run Java in signal context, which the JVM does not support.
 */
final class WrapperSignals {

    private WrapperSignals() {}

    /** Routes TERM and INT to a stop, HUP to a reload. */
    static void install(Supervisor supervisor) {
        Signal.handle(new Signal("TERM"), signal -> supervisor.submit(new Supervisor.Event.Stop("SIGTERM")));
        Signal.handle(new Signal("INT"), signal -> supervisor.submit(new Supervisor.Event.Stop("SIGINT")));
        Signal.handle(new Signal("HUP"), signal -> supervisor.submit(new Supervisor.Event.Reload("SIGHUP")));
    }
}
