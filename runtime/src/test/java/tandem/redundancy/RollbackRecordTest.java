package tandem.redundancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.facts.RollbackProgress;
import tandem.facts.RollbackProgress.Status;
import tandem.facts.RollbackRecordUnreadable;

/** {@code <state-dir>/rollback.json}: written whole, read back as it was, bad content named by its field. */
class RollbackRecordTest {
    private static final long T0 = Instant.parse("2026-12-24T09:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    private static RollbackProgress progress() {
        return RollbackProgress.start(T0, List.of(RollbackProgress.step("backup", "back up this node"),
                        RollbackProgress.step("boot-original", "boot the original"),
                        RollbackProgress.step("import", "import on the original")))
                .finished("backup", true, "backup written: /var/lib/tandem/rollback/rollback-1.backup (42 bytes)", T0 + 60_000)
                .confirmed("backup", T0 + 120_000)
                .byHand("boot-original", "by hand: power on the original", T0 + 130_000)
                .confirmed("boot-original", T0 + 140_000)
                .running("import", "rollback-import", T0 + 150_000);
    }

    @Test
    void whatIsWrittenReadsBackAsItWasAndAsResumedAtStart() throws IOException {
        RollbackProgress p = progress();

        RollbackRecord.write(dir, p);

        assertThat(RollbackRecord.read(dir.resolve(RollbackRecord.FILE))).contains(p);
        assertThat(RollbackRecord.fact(dir)).contains(p.asResumed());
        String json = Files.readString(dir.resolve(RollbackRecord.FILE));
        assertThat(json).contains("\"started\" : \"2026-12-24T09:00:00Z\"", "\"status\" : \"confirmed\"", "\"status\" : \"running\"",
                "\"action\" : \"rollback-import\"", "\"at\" : \"2026-12-24T09:02:30Z\"");
    }

    @Test
    void aReplacementLeavesNoTemporaryFileAndNoHalfOfTheOld() throws IOException {
        RollbackRecord.write(dir, progress());
        RollbackProgress next = progress().finished("import", false, "the import command failed", T0 + 200_000);

        RollbackRecord.write(dir, next);

        assertThat(RollbackRecord.read(dir.resolve(RollbackRecord.FILE))).contains(next);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(RollbackRecord.FILE);
        }
    }

    @Test
    void noFileIsNoRollback() {
        assertThat(RollbackRecord.read(dir.resolve(RollbackRecord.FILE))).isEmpty();
        assertThat(RollbackRecord.fact(dir)).isEqualTo(Optional.empty());
    }

    @Test
    void badContentIsNamedByFileAndField() throws IOException {
        Path f = dir.resolve(RollbackRecord.FILE);
        String good = """
                {"started": "2026-12-24T09:00:00Z", "steps": [
                  {"name": "backup", "title": "back up", "status": "done", "at": "2026-12-24T09:01:00Z"},
                  {"name": "import", "title": "import", "status": "pending"}]}
                """;
        Files.writeString(f, good);
        assertThat(RollbackRecord.read(f).orElseThrow().currentStatus()).isEqualTo(Status.DONE);

        assertUnreadable(f, "{\"started\": \"yesterday\", \"steps\": []}",
                f + ": started: not a time like \"2026-12-24T09:00:00Z\", got \"yesterday\"");
        assertUnreadable(f, "{\"started\": \"2026-12-24T09:00:00Z\", \"steps\": []}",
                f + ": steps: missing, or not a list of at least one step");
        assertUnreadable(f, good.replace("\"done\"", "\"finished\""),
                f + ": steps[0].status: must be one of pending, running, done, failed, by-hand, confirmed, got \"finished\"");
        assertUnreadable(f, good.replace("\"name\": \"import\"", "\"name\": \"backup\""),
                f + ": steps[1].name: \"backup\" is there twice");
        assertUnreadable(f, good.replace("\"title\": \"import\", ", ""), f + ": steps[1].title: missing");
        assertUnreadable(f, good.replace("\"status\": \"pending\"", "\"status\": \"running\""),
                f + ": steps[1].action: missing: a running step names the action it waits for");
        assertUnreadable(f, good.replace("2026-12-24T09:01:00Z", "9 o'clock"),
                f + ": steps[0].at: not a time like \"2026-12-24T09:00:00Z\", got \"9 o'clock\"");
        assertUnreadable(f, "{\"started\": ", f + ":1: not JSON: ");
        assertUnreadable(f, "[]", f + ": not a JSON object");

        Files.writeString(f, "[]");
        assertThat(RollbackRecord.fact(dir)).contains(new RollbackRecordUnreadable(f + ": not a JSON object"));
    }

    private static void assertUnreadable(Path f, String content, String message) throws IOException {
        Files.writeString(f, content);
        assertThatThrownBy(() -> RollbackRecord.read(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
