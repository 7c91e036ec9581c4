package tandem.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The redundancy profile's transfer scenarios (samples/redundancy/scenarios/transfer-*.yaml) say with
 * their expectations that an action happened; this says how often and when: the transfer timer of the
 * simulation, the missed-run rule (RED-4), the error mail after a failed transfer only, one transfer at
 * a time (RED-5), and a standby that never sends (RED-8).
 */
class TransferScenariosTest {

    private static Path scenario(String name) {
        return SimFixtures.home().resolve("samples/redundancy/scenarios").resolve(name);
    }

    /** The virtual times (ms) at which {@code node} asked for {@code action}, in order. */
    private static List<Long> actions(SimFixtures.Run run, String node, String action) {
        return run.result().events().stream()
                .filter(e -> e.node().equals(node) && e.event().kind().equals("action")
                        && action.equals(e.event().action()))
                .map(SimEvent::t).toList();
    }

    private static SimFixtures.Run passed(String name) {
        SimFixtures.Run run = SimFixtures.run(scenario(name));
        assertThat(run.result().passed()).as(run.report()).isTrue();
        return run;
    }

    @Test
    void aRunMissedWhileTheActiveWasDownRunsOnceAtItsStart() {
        SimFixtures.Run run = passed("transfer-schedule.yaml");

        // 00:01 on time; 00:03 and 00:05 fall due while the active is down (100 s to 330 s): only the
        // newest runs, once, at the start; 00:07 on time
        assertThat(actions(run, "active", "transfer-backup")).containsExactly(60_000L, 335_000L, 420_000L);
        assertThat(run.result().events().stream()
                .filter(e -> e.t() == 335_000L && "transfer-backup".equals(e.event().action())).findFirst().orElseThrow()
                .event().reason()).contains("the run of 01.01.1970 00:05 UTC was missed while this node was down");
        assertThat(actions(run, "standby", "transfer-backup")).isEmpty();
    }

    @Test
    void onlyAFailedTransferIsMailed() {
        SimFixtures.Run run = passed("transfer-attempts.yaml");

        assertThat(actions(run, "active", "transfer-backup")).containsExactly(60_000L, 180_000L, 300_000L);
        // the transfer of 180 s ends failed at 200 s; those that succeeded mail nothing
        assertThat(actions(run, "active", "mail-transfer-failed")).containsExactly(200_000L);
    }

    @Test
    void aRunDueWhileATransferIsUnderWayWaitsForIt() {
        SimFixtures.Run run = passed("transfer-overlap.yaml");

        // the first transfer takes 3 minutes (60 s to 240 s): the run of 180 s starts when it ended
        assertThat(actions(run, "active", "transfer-backup")).containsExactly(60_000L, 240_000L);
        assertThat(actions(run, "standby", "transfer-backup")).isEmpty();
    }
}
