package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;

/** SBS-9: changes of a running node's file are validated, applied where safe, otherwise listed. */
class ConfigWatchTest {
    private static final String BASE = """
            node:
              id: node1
              profile: sbs
            cluster:
              name: print-pair
              secret: 0123456789abcdef
            peer:
              id: node2
              address: 10.0.0.2
            timings:
              failover-timeout: 10s
            mail:
              host: smtp.example.com
              from: pair@example.com
              to: ops@example.com
            """;

    private static int edits;

    /** Writes a new version with a modification time of its own (an editor's save, seconds apart). */
    private static void edit(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L + 1000L * ++edits));
    }

    @Test
    void mailChangesApplyAtOnceOthersWaitForARestartAndABrokenFileIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("node1.yaml");
        Files.writeString(file, BASE);
        NodeConfig running = ConfigLoader.load(file);
        List<NodeConfig> applied = new ArrayList<>();
        ConfigWatch w = new ConfigWatch(running, applied::add);

        w.check();
        assertThat(applied).as("unchanged").isEmpty();
        assertThat(w.view().pending()).isEmpty();

        edit(file, BASE.replace("smtp.example.com", "mail.example.com").replace("10s", "20s"));
        w.check();
        assertThat(applied).singleElement().satisfies(c -> assertThat(c.mail().orElseThrow().host())
                .isEqualTo("mail.example.com"));
        assertThat(w.view().applied()).containsExactly("mail.host");
        assertThat(w.view().pending()).containsExactly("timings.failover-timeout");
        assertThat(w.view().invalid()).isNull();

        edit(file, BASE.replace("  failover-timeout: 10s", "  failover-timeout: soon"));
        w.check();
        assertThat(w.view().invalid()).contains(file.toString() + ":11").contains("timings.failover-timeout");
        assertThat(applied).as("nothing of a broken file is used").hasSize(1);

        edit(file, BASE.replace("mail:\n  host: smtp.example.com\n  from: pair@example.com\n  to: ops@example.com\n", "")
                .replace("name: print-pair", "name: other"));
        w.check();
        assertThat(w.view().invalid()).isNull();
        assertThat(w.view().pending()).as("mail removed as a whole waits: the rules know whether mail is set")
                .containsExactlyInAnyOrder("cluster.name", "mail");
        assertThat(applied).hasSize(1);
    }
}
