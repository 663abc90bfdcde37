/**
 * main(), the command line, the environment contract and the wiring of all modules; builds pot-nats.jar.
 */
package com.datasance.pot.nats.launcher;
