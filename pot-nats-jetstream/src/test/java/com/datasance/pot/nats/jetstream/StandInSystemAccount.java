package com.datasance.pot.nats.jetstream;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.nio.charset.StandardCharsets;

/**
 * For tests against a nats-server without a system account ({@code no_sys_acc: true}) where the
 * test answers the purge subject itself: answers the server ping and the connection counts as one
 * server with no client and no leafnode of the account.
 */
final class StandInSystemAccount {

    private StandInSystemAccount() {}

    static void answerOn(Connection responder) {
        Dispatcher system = responder.createDispatcher(message -> responder.publish(
                message.getReplyTo(),
                "{\"server\":{\"id\":\"NFAKE\"},\"data\":{\"total\":0,\"leafnodes\":0}}"
                        .getBytes(StandardCharsets.UTF_8)));
        system.subscribe("$SYS.REQ.SERVER.PING");
        system.subscribe("$SYS.REQ.SERVER.PING.CONNZ");
        system.subscribe("$SYS.REQ.SERVER.PING.LEAFZ");
    }
}
