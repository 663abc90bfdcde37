/**
 * The nats-server child process. {@link com.datasance.pot.nats.process.NatsServerProcess#start}
 * runs a {@link com.datasance.pot.nats.process.NatsServerCommand} with the wrapper's environment
 * and returns a {@link com.datasance.pot.nats.api.ServerProcess}; {@link
 * com.datasance.pot.nats.process.ConfigCheck} runs {@code nats-server -t}; {@link
 * com.datasance.pot.nats.process.NatsServerLocator} finds the binary. User-fixable failures throw
 * {@link com.datasance.pot.nats.process.ProcessException}.
 */
package com.datasance.pot.nats.process;
