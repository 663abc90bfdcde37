package com.datasance.pot.nats.process;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The native calls of pot-nats, from the C library, linked through {@code java.lang.foreign}:
 * {@code kill(2)}, because {@code Process.destroy()} can only send SIGTERM or SIGKILL, and
 * nats-server needs SIGHUP (reload), SIGINT (clean stop) and SIGUSR2 (lame duck); and {@code
 * signal(2)} to set an inherited SIG_IGN back to SIG_DFL (see {@link IgnoredSignals}).
 *
 * <p>Each is linked lazily, on its first use, so the link cost is not on the start path.
 */
final class LibC {

    /** kill(2): no such process (already exited and reaped). */
    static final int ESRCH = 3;
    /** kill(2): not allowed to signal that process. */
    static final int EPERM = 1;

    private LibC() {}

    /** The {@link Signaller} backed by kill(2): ESRCH means gone, any other errno is an error. */
    static final Signaller SIGNALLER = (pid, signal) -> {
        int errno = Holder.kill(pid, signal.number());
        if (errno == 0) {
            return true;
        }
        if (errno == ESRCH) {
            return false;
        }
        throw new IllegalStateException("kill(" + pid + ", " + signal + ") failed: " + errnoName(errno));
    };

    static String errnoName(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM (operation not permitted)";
            case ESRCH -> "ESRCH (no such process)";
            case 22 -> "EINVAL (invalid signal)";
            default -> "errno " + errno;
        };
    }

    /**
     * Sets the action of {@code signal} to SIG_DFL.
     *
     * @throws IllegalStateException when signal(2) fails (EINVAL: not a signal that can be set)
     */
    static void restoreDefaultAction(int signal) {
        int errno = SignalHolder.restoreDefault(signal);
        if (errno != 0) {
            throw new IllegalStateException("signal(" + signal + ", SIG_DFL) failed: " + errnoName(errno));
        }
    }

    /** The C library's errno, captured right after each call. */
    private static final class CallState {
        static final StructLayout LAYOUT = Linker.Option.captureStateLayout();
        private static final VarHandle ERRNO = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

        static int errno(MemorySegment state) {
            return (int) ERRNO.get(state, 0L);
        }

        /** {@code symbol} of the C library, called with {@code descriptor}, errno captured. */
        // Linking a C function is what LibC is for.
        @SuppressWarnings("restricted")
        static MethodHandle link(String symbol, FunctionDescriptor descriptor) {
            Linker linker = Linker.nativeLinker();
            MemorySegment address = linker.defaultLookup()
                    .find(symbol)
                    .orElseThrow(() -> new IllegalStateException("the C library has no '" + symbol + "' symbol"));
            return linker.downcallHandle(address, descriptor, Linker.Option.captureCallState("errno"));
        }
    }

    private static final class SignalHolder {
        /** SIG_ERR of signal.h: {@code (void (*)(int)) -1}. */
        private static final long SIG_ERR = -1L;

        private static final MethodHandle SIGNAL =
                CallState.link("signal", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));

        /** Returns 0 on success, else errno. */
        static int restoreDefault(int signal) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(CallState.LAYOUT);
                // SIG_DFL is the null handler.
                MemorySegment previous = (MemorySegment) SIGNAL.invokeExact(state, signal, MemorySegment.NULL);
                return previous.address() == SIG_ERR ? CallState.errno(state) : 0;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("signal(" + signal + ", SIG_DFL) could not be called", e);
            }
        }
    }

    private static final class Holder {
        private static final MethodHandle KILL =
                CallState.link("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

        /** Returns 0 on success, else errno. */
        static int kill(long pid, int signal) {
            if (pid <= 0 || pid > Integer.MAX_VALUE) {
                // kill(0, s) and kill(-1, s) signal whole process groups: never let a bad pid get there.
                throw new IllegalArgumentException("refusing to signal pid " + pid);
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(CallState.LAYOUT);
                int result = (int) KILL.invokeExact(state, (int) pid, signal);
                return result == 0 ? 0 : CallState.errno(state);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("kill(" + pid + ", " + signal + ") could not be called", e);
            }
        }
    }
}
