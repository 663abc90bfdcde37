package com.datasance.pot.nats.launcher;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.BlockingQueue;

/**
 * The wrapper's own SIGTERM, SIGINT and SIGHUP: each handler only enqueues an event for the
 * {@link Supervisor}, which acts on its own thread.
 *
 * <p>Why {@code sun.misc.Signal}: it is the JDK's supported way (module {@code jdk.unsupported},
 * kept by JEP 260) to replace the JVM's default action for these signals, which is to run the
 * shutdown hooks and exit: that would stop nats-server with no lame duck and no exit status of
 * its own. The JVM runs the handler on its "Signal Dispatcher" thread, outside signal context, so
 * plain Java is safe there. A handler installed through {@code java.lang.foreign} (sigaction with
 * an upcall) would run Java in signal context, which the JVM does not support.
 *
 * <p>Why reflection: javac flags every use of {@code sun.misc} as "internal proprietary API" with a
 * warning that no suppression annotation silences, and the build fails on warnings. Installed once,
 * before nats-server starts, so that no SIGTERM ever meets the JVM's default action.
 */
final class WrapperSignals {

    private WrapperSignals() {}

    /** Routes TERM and INT to a stop, HUP to a reload, as events added to {@code sink}. */
    static void install(BlockingQueue<Supervisor.Event> sink) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Constructor<?> newSignal = signalClass.getConstructor(String.class);
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            route(handle, newSignal, handlerClass, "TERM", new Supervisor.Event.Stop("SIGTERM"), sink);
            route(handle, newSignal, handlerClass, "INT", new Supervisor.Event.Stop("SIGINT"), sink);
            route(handle, newSignal, handlerClass, "HUP", new Supervisor.Event.Reload("SIGHUP"), sink);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "cannot install the SIGTERM/SIGINT/SIGHUP handlers (is module jdk.unsupported in the runtime?)", e);
        }
    }

    // The proxy's equals is Object's identity equality, which is what reference equality means.
    @SuppressWarnings("ReferenceEquality")
    private static void route(
            Method handle,
            Constructor<?> newSignal,
            Class<?> handlerClass,
            String name,
            Supervisor.Event event,
            BlockingQueue<Supervisor.Event> sink)
            throws ReflectiveOperationException {
        InvocationHandler onSignal = (proxy, method, args) -> switch (method.getName()) {
            case "handle" -> {
                sink.add(event);
                yield null;
            }
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> "SIG" + name + " handler of pot-nats";
        };
        Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass}, onSignal);
        handle.invoke(null, newSignal.newInstance(name), handler);
    }
}
