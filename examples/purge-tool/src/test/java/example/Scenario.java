package example;

import com.datasance.pot.nats.testkit.OperatorFixture;
import com.datasance.pot.nats.testkit.Streams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * run.sh's scenario, not part of the tool: {@code setup DIR} writes an operator-mode config with
 * accounts 'live' and 'gone' (prints their keys); {@code stream DIR URL NAME N} gives an account a
 * stream of N messages; {@code count DIR URL NAME} prints its message count.
 */
public final class Scenario {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "setup" -> {
                OperatorFixture operator = OperatorFixture.create(dir);
                OperatorFixture.Account live = operator.addAccount("live");
                OperatorFixture.Account gone = operator.addAccount("gone");
                Path conf = operator.writeServerConfig(
                        // A busy CI machine can take more than the default 2 s to sign the nonce.
                        "listen: 127.0.0.1:" + args[2] + "\nauthorization { timeout: 10 }");
                Files.writeString(dir.resolve("keys"), "LIVE=" + live.publicKey() + "\nGONE=" + gone.publicKey()
                        + "\nCONF=" + conf + "\nSYS_CREDS=" + operator.system().credsFile()
                        + "\nSTORE=" + operator.storeDir() + "\n");
            }
            case "stream" -> streams(dir, args[2], args[3]).createWithMessages("ORDERS", Integer.parseInt(args[4]), 1);
            case "count" -> System.out.println(streams(dir, args[2], args[3]).messageCount("ORDERS"));
            default -> throw new IllegalArgumentException("setup | stream | count, got '" + args[0] + "'");
        }
    }

    private static Streams streams(Path dir, String url, String account) {
        return new Streams(url, dir.resolve("creds").resolve(account + ".creds"), Optional.empty());
    }
}
