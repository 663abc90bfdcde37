package example;

import com.datasance.pot.nats.api.ServerFacts;
import com.datasance.pot.nats.config.NatsConfigReader;
import com.datasance.pot.nats.jetstream.JetStreamReconciler;
import com.datasance.pot.nats.jetstream.PurgeOutcome;
import com.datasance.pot.nats.jetstream.PurgePlan;
import com.datasance.pot.nats.jetstream.PurgeReport;
import com.datasance.pot.nats.jetstream.PurgeSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Plan, print, purge, print: {@code PurgeTool SERVER_CONF SYS_CREDS [URL]}. */
public final class PurgeTool {

    public static void main(String[] args) throws Exception {
        ServerFacts facts = NatsConfigReader.readServerFacts(Path.of(args[0]), System.getenv());
        PurgeSettings settings = PurgeSettings.builder()
                .server(facts) // operator mode, full resolver dir, store dir, system account
                .credsFile(Path.of(args[1])) // checked: must be a user of the system account
                .clientUrl(args.length > 2 ? args[2] : "nats://127.0.0.1:4222")
                .grace(Duration.ZERO) // one shot: no earlier pass has counted a grace period
                .build();
        JetStreamReconciler reconciler = JetStreamReconciler.of(settings);

        PurgePlan plan = reconciler.plan();
        print("plan", plan.outcomes());
        plan.warning().ifPresent(w -> System.out.println("warning: " + w));

        PurgeReport report = reconciler.execute(plan);
        print("result", report.outcomes());
        System.out.println("summary: " + report.summary());
        System.exit(report.succeeded() ? 0 : 1);
    }

    private static void print(String title, List<PurgeOutcome> outcomes) {
        System.out.println(title + ":");
        for (PurgeOutcome outcome : outcomes) {
            System.out.println("  " + switch (outcome) {
                case PurgeOutcome.Planned p -> "would purge " + p.account();
                case PurgeOutcome.Purged p -> "purged " + p.account();
                case PurgeOutcome.Skipped s -> "kept " + s.account() + ": " + s.reason().description();
                case PurgeOutcome.Failed f -> "failed " + f.account() + " (" + f.kind() + f.errCode()
                        .map(code -> ", err_code " + code).orElse("") + "): " + f.reason();
            });
        }
    }
}
