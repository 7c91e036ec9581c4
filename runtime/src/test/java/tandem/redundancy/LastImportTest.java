package tandem.redundancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.facts.BackupImported;
import tandem.facts.ImportRecordUnreadable;

/** The standby's record of its newest import, {@code <state-dir>/last-import.json}. */
class LastImportTest {
    @TempDir
    Path state;

    @Test
    void whatIsWrittenIsReadBackAndBecomesTheEnginesFact() throws Exception {
        LastImport.Entry entry = new LastImport.Entry(Instant.parse("2026-12-24T02:41:07Z"), "backup-20261224.tar",
                Duration.ofDays(1), 1_048_576, "a".repeat(64));

        LastImport.write(state, entry);

        assertThat(LastImport.read(state.resolve(LastImport.FILE))).contains(entry);
        assertThat(LastImport.fact(state)).contains(new BackupImported(Instant.parse("2026-12-24T02:41:07Z").toEpochMilli(),
                "backup-20261224.tar", 86_400_000L));
        try (var files = Files.list(state)) {
            assertThat(files).as("nothing left under a temporary name").containsExactly(state.resolve(LastImport.FILE));
        }
    }

    @Test
    void noRecordIsNoImport() {
        assertThat(LastImport.fact(state)).isEmpty();
    }

    @Test
    void theOptionalFieldsMayBeLeftOutAndOthersAreIgnored() throws Exception {
        Files.writeString(state.resolve(LastImport.FILE), """
                {"at": "2026-12-24T02:41:07Z", "name": "b.tar", "interval-seconds": 3600, "importer": "x"}
                """);

        assertThat(LastImport.read(state.resolve(LastImport.FILE))).contains(new LastImport.Entry(
                Instant.parse("2026-12-24T02:41:07Z"), "b.tar", Duration.ofHours(1), -1, ""));
    }

    @Test
    void aBadRecordNamesTheFileAndTheField() throws Exception {
        Path file = state.resolve(LastImport.FILE);
        Files.writeString(file, "{\"at\": \"yesterday\", \"name\": \"b.tar\", \"interval-seconds\": 60}");
        assertThatThrownBy(() -> LastImport.read(file)).hasMessage(file
                + ": at: not a time like \"2026-12-24T02:41:07Z\", got \"yesterday\"");

        Files.writeString(file, "{\"at\": \"2026-12-24T02:41:07Z\", \"name\": \"b.tar\", \"interval-seconds\": 0}");
        assertThatThrownBy(() -> LastImport.read(file)).hasMessage(file
                + ": interval-seconds: missing, or not a whole number above 0");

        Files.writeString(file, "{\"at\": \"2026-12-24T02:41:07Z\", \"interval-seconds\": 60}");
        assertThatThrownBy(() -> LastImport.read(file)).hasMessage(file + ": name: missing, or not the archive's file name");

        Files.writeString(file, "{\n\"at\": ");
        assertThatThrownBy(() -> LastImport.read(file)).hasMessageStartingWith(file + ":2: not JSON: ");

        assertThat(LastImport.fact(state).orElseThrow()).isInstanceOfSatisfying(ImportRecordUnreadable.class,
                u -> assertThat(u.detail()).startsWith(file + ":2: not JSON: "));
    }
}
