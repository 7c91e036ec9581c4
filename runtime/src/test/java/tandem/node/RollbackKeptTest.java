package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.engine.CycleOutcome.CommandAnswer;
import tandem.facts.NodeState;
import tandem.facts.RollbackProgress;
import tandem.facts.RollbackProgress.Status;
import tandem.redundancy.RollbackRecord;

/**
 * A node's rollback progress (RED-12) in its state folder, as the node is wired for {@code tandem run}: read
 * back when the engine boots (so the boot's rules see it), written whenever the rules change it.
 */
class RollbackKeptTest {
    @TempDir
    Path dir;

    private NodeConfig standby() throws Exception {
        Path home = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
        Path samples = home.resolve("samples/redundancy");
        String yaml = Files.readString(samples.resolve("standby.yaml")).replace("  id: standby\n",
                "  id: standby\n  state-dir: " + dir.resolve("state") + "\n");
        return ConfigLoader.parse("standby.yaml", yaml, samples, Map.of());
    }

    @Test
    void theProgressIsReadBackAtBootAndKeptAtEveryChange() throws Exception {
        NodeConfig c = standby();
        Path state = Files.createDirectories(dir.resolve("state"));
        // a standby that switched over, stopped by its rollback after step 3 (shutdown) was confirmed
        Files.writeString(state.resolve("node.state"), "state=STOP\ndata=UPTODATE\ngeneration=1\n");
        RollbackProgress p = RollbackProgress.start(1_000, List.of(RollbackProgress.step("backup", "b"),
                RollbackProgress.step("shutdown", "s"), RollbackProgress.step("boot-original", "o"),
                RollbackProgress.step("handback", "h")));
        for (String s : List.of("backup", "shutdown")) {
            p = p.finished(s, true, "done", 2_000).confirmed(s, 3_000);
        }
        RollbackRecord.write(state, p);
        Assembly assembly = Assembly.of(Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize(), c);

        try (Wiring wiring = assembly.wire(Ports.inert(c), assembly.compileRules())) {
            wiring.loop().start();

            assertThat(wiring.loop().status().state()).as("held stopped by the rollback it read back at boot")
                    .isEqualTo(NodeState.STOP);
            CommandAnswer status = wiring.loop().submit("rollback", "test", Map.of("status", "true"));
            assertThat(status.reason()).startsWith("rollback at step 3 of 4 (boot-original, pending)");

            CommandAnswer next = wiring.loop().submit("rollback", "test", Map.of());

            assertThat(next.accepted()).as(next.reason()).isTrue();
            RollbackProgress kept = RollbackRecord.read(state.resolve(RollbackRecord.FILE)).orElseThrow();
            assertThat(kept.next()).isEqualTo("boot-original");
            assertThat(kept.currentStatus()).isEqualTo(Status.BY_HAND);
            assertThat(kept.current().detail()).startsWith("by hand: power on the original active (127.0.0.1)");
        }
    }
}
