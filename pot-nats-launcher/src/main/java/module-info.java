/**
 * The pot-nats launcher: {@code main()}, the command line, the environment contract and the wiring
 * of the library modules. Ships as the shaded {@code pot-nats.jar} (run on the class path), and
 * binds SLF4J to its own stderr backend.
 */
module com.datasance.pot.nats.launcher {
    requires com.datasance.pot.nats.api;
    requires com.datasance.pot.nats.process;
    requires org.slf4j;
    // sun.misc.Signal: the wrapper's own SIGTERM/SIGINT/SIGHUP handlers (see WrapperSignals).
    requires jdk.unsupported;

    exports com.datasance.pot.nats.launcher;

    provides org.slf4j.spi.SLF4JServiceProvider with
            com.datasance.pot.nats.launcher.StderrLoggingProvider;
}
