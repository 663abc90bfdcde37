/**
 * Interfaces and value types shared by every pot-nats module. Depends on nothing but the JDK.
 */
module com.datasance.pot.nats.api {
    exports com.datasance.pot.nats.api;
}
