package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.process.IgnoredSignals;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * The wrapper's own signals: each handler only enqueues an event for the {@link Supervisor}, which
 * acts on its own thread. TERM and INT stop; HUP, USR1 (reopen log files) and USR2 (lame duck) are
 * forwarded to nats-server, as if it ran alone in the container.
 *
 * <p>Why {@code sun.misc.Signal} (through {@link SignalRouter}): it is the JDK's supported way
 * (module {@code jdk.unsupported}, kept by JEP 260) to replace the JVM's default action for these
 * signals, which is to run the shutdown hooks and exit (TERM, INT, HUP) or to die (USR2, and USR1,
 * whose default action kills the process with status 138 and orphans nats-server). The JVM runs
 * the handler on its "Signal Dispatcher" thread, outside signal context, so plain Java is safe
 * there. A handler installed through {@code java.lang.foreign} (sigaction with an upcall) would
 * run Java in signal context, which the JVM does not support. Installed once, before nats-server
 * starts, so that no signal ever meets the JVM's default action.
 */
final class WrapperSignals {

    private WrapperSignals() {}

    /**
     * Routes TERM and INT to a stop, HUP to a reload, USR1 and USR2 to a forward, as events added to
     * {@code sink}.
     *
     * @return the signals the wrapper was started with ignored and took back (as nats-server, through
     *     Go's {@code signal.Notify}, does: {@code pot-nats &} in a script ignores INT, {@code nohup} HUP)
     */
    static List<String> install(BlockingQueue<Supervisor.Event> sink) {
        List<String> takenBack = new ArrayList<>();
        for (String name : new String[] {"TERM", "INT", "HUP", "USR1", "USR2"}) {
            Consumer<String> handler = signal -> sink.add(eventFor(signal));
            try {
                if (!SignalRouter.route(name, handler)) {
                    IgnoredSignals.restoreDefault(SignalRouter.number(name));
                    if (!SignalRouter.route(name, handler)) {
                        throw new IllegalStateException(
                                "SIG" + name + " stays ignored after it was set back to SIG_DFL");
                    }
                    takenBack.add("SIG" + name);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("cannot install the SIG" + name + " handler: " + e.getMessage(), e);
            }
        }
        return List.copyOf(takenBack);
    }

    /** What signal {@code name} to the wrapper asks of the supervisor. */
    static Supervisor.Event eventFor(String name) {
        return switch (name) {
            case "TERM" -> new Supervisor.Event.Stop(Supervisor.StopSignal.SIGTERM);
            case "INT" -> new Supervisor.Event.Stop(Supervisor.StopSignal.SIGINT);
            case "HUP" -> new Supervisor.Event.Reload("SIGHUP");
            default -> new Supervisor.Event.Forward("SIG" + name, ForwardedSignal.valueOf("SIG" + name));
        };
    }
}
