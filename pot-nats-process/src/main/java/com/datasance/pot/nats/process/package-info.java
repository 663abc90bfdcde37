/**
 * The nats-server child process: start with the wrapper's environment, signals through kill(2) via java.lang.foreign, graceful stop with lame duck and a SIGKILL deadline, exit status (128+n for signal n).
 */
package com.datasance.pot.nats.process;
