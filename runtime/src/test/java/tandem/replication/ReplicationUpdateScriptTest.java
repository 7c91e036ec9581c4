package tandem.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.os.SystemCommands;
import tandem.config.Folder;

/** SBS-4's update scripts, run for real with sh: what they print becomes the list a cycle compares. */
class ReplicationUpdateScriptTest {
    @TempDir
    Path dir;

    private Folder folder(String script) {
        return new Folder(dir, List.of("**"), List.of(), false, false, Optional.empty(), Optional.of(script));
    }

    @Test
    void printedPathsRelativeOrInsideTheFolderAreListedAndOthersSkipped() throws Exception {
        Files.writeString(dir.resolve("marker"), "x");
        String script = "test -f \"$1/marker\" && printf 'a/b.lbl\\n\\n%s/c.csv\\n../escape\\n/etc/passwd\\n' \"$1\"";

        Optional<List<String>> out = Replication.updateScript(new SystemCommands(), folder(script));

        assertThat(out).contains(List.of("a/b.lbl", "c.csv"));
    }

    @Test
    void aFailingScriptMeansCompareEverything() {
        assertThat(Replication.updateScript(new SystemCommands(), folder("echo partial; exit 3"))).isEmpty();
    }
}
