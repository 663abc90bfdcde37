/**
 * The pot-nats launcher: {@code main()}, the command line, the environment contract and the wiring
 * of the library modules. Ships as the shaded {@code pot-nats.jar} (run on the class path), and
 * binds SLF4J to its own stderr backend.
 */
module com.datasance.pot.nats.launcher {
    requires com.datasance.pot.nats.api;
    requires com.datasance.pot.nats.config;
    requires com.datasance.pot.nats.process;
    requires com.datasance.pot.nats.jetstream;
    requires com.datasance.pot.nats.watch;
    requires com.fasterxml.jackson.core;
    requires org.slf4j;
    // sun.misc.Signal, reached by reflection (see WrapperSignals): named here so that jdeps and
    // jlink keep the module in the image's runtime.
    requires jdk.unsupported;

    // No exports: an application, not a library; its types are no API for other modules.

    provides org.slf4j.spi.SLF4JServiceProvider with
            com.datasance.pot.nats.launcher.StderrLoggingProvider;
}
