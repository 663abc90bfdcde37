package com.datasance.pot.nats.launcher;

import java.util.Objects;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The one class that names {@code sun.misc}: a {@link SignalHandler} that hands the signal's name
 * ({@code TERM}, {@code HUP}...) to a consumer and does nothing else. The JVM calls it on its
 * "Signal Dispatcher" thread, outside signal context.
 *
 * <p>javac warns that {@code sun.misc.Signal} is "internal proprietary API" and no annotation
 * silences that warning; the build fails on warnings. So this file is compiled alone, in the
 * launcher pom's {@code signal-handler} execution, whose only accepted warnings are these; the
 * rest of the module is compiled without it and fails on any warning. It uses nothing of ours, so
 * that it compiles first, on its own.
 */
final class SignalRouter implements SignalHandler {

    private final Consumer<String> onSignal;

    private SignalRouter(Consumer<String> onSignal) {
        this.onSignal = Objects.requireNonNull(onSignal, "onSignal");
    }

    /**
     * Replaces the JVM's action for signal {@code name} ({@code TERM}, {@code USR1}...) with a call
     * of {@code onSignal} with that name.
     *
     * @return false when nothing was installed because the process was started with the signal
     *     ignored: the JVM keeps an inherited SIG_IGN of {@code HUP}, {@code INT} and {@code TERM}
     * @throws IllegalArgumentException when the JVM does not let this signal be handled (it keeps
     *     some for itself, e.g. {@code USR1} with some collectors, {@code QUIT} for thread dumps)
     */
    static boolean route(String name, Consumer<String> onSignal) {
        return Signal.handle(new Signal(name), new SignalRouter(onSignal)) != SignalHandler.SIG_IGN;
    }

    /** The number of signal {@code name} on this platform. */
    static int number(String name) {
        return new Signal(name).getNumber();
    }

    @Override
    public void handle(Signal signal) {
        onSignal.accept(signal.getName());
    }

    @Override
    public String toString() {
        return "pot-nats signal router";
    }
}
