package tandem.redundancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.NodeConfig;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;
import tandem.facts.BackupImported;
import tandem.facts.TransferDue;
import tandem.os.SystemCommands;

/**
 * The transfer's schedule (RED-4) as {@link BackupTransfer#due} observes it, with a settable clock: a
 * due run is observed until it has started, a run missed while the node was down runs once at start,
 * and the last run survives a restart; {@link ImportWatch} hands a new import record to the engine.
 */
class BackupTransferTest {
    /** The test nodes' schedule: daily at 02:30 UTC from 24.12.2026. */
    private static final Instant FIRST = Instant.parse("2026-12-24T02:30:00Z");

    @TempDir
    Path dir;

    private final List<Object> observed = new ArrayList<>();

    /** A clock that stays where a test puts it. */
    private static final class Settable extends Clock {
        Instant now;

        Settable(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private NodeConfig active() throws IOException {
        return Nodes.active(dir, "printf x > {file}", 2222, "password: secret", "/srv/incoming", "true {file}",
                "{attempts: 1}");
    }

    private BackupTransfer transfers(NodeConfig c, Clock clock) {
        return new BackupTransfer(c, new SystemCommands(), observed::add, clock);
    }

    @Test
    void nothingIsDueBeforeTheFirstRunThenTheRunIsDueUntilItStarts() throws IOException {
        Settable clock = new Settable(FIRST.minusSeconds(60));
        BackupTransfer t = transfers(active(), clock);

        t.due();
        assertThat(observed).isEmpty();
        assertThat(t.nextRun()).contains(FIRST);

        clock.now = FIRST.plusSeconds(1);
        t.due();
        t.due();
        assertThat(observed).hasSize(2).allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(TransferDue.class, d -> {
            assertThat(d.run()).isEqualTo(FIRST.toEpochMilli());
            assertThat(d.missed()).isFalse();
            assertThat(d.why()).isEqualTo("the run of 24.12.2026 02:30 UTC is due (every 1 days from 24.12.2026 02:30 UTC)");
        }));

        t.begin(new ActionRequest("transfer-backup", "r", "due", 0));
        observed.clear();
        t.due();
        assertThat(observed).as("the run has started").isEmpty();
        assertThat(t.nextRun()).contains(FIRST.plusSeconds(86_400));
    }

    @Test
    void runsMissedWhileTheNodeWasDownRunOnceAtStart() throws IOException {
        NodeConfig c = active();
        Settable clock = new Settable(FIRST.plusSeconds(10));
        transfers(c, clock).begin(new ActionRequest("transfer-backup", "r", "due", 0));

        // down for three days; the node starts again at 08:00 on the fourth
        clock.now = FIRST.plusSeconds(3 * 86_400 + 5 * 3_600);
        BackupTransfer restarted = transfers(c, clock);
        restarted.due();

        assertThat(observed).singleElement().isInstanceOfSatisfying(TransferDue.class, d -> {
            assertThat(d.run()).as("the latest of the missed runs, once").isEqualTo(FIRST.plusSeconds(3 * 86_400)
                    .toEpochMilli());
            assertThat(d.missed()).isTrue();
            assertThat(d.why()).startsWith("the run of 27.12.2026 02:30 UTC was missed while this node was down;"
                    + " it runs once now");
        });
        restarted.begin(new ActionRequest("transfer-backup", "r", "due", 0));
        observed.clear();
        restarted.due();
        assertThat(observed).isEmpty();
    }

    @Test
    void aTransferThatCannotBeginIsAFailedResultNotAnError() throws IOException {
        BackupTransfer t = transfers(active(), new Settable(FIRST));

        ActionResult r = t.failed(new ActionRequest("transfer-backup", "r", "due", 0),
                new BackupException("the backup folder is full"));

        assertThat(r.ok()).isFalse();
        assertThat(r.detail()).isEqualTo("the backup transfer to the standby failed after 1 attempt(s): the backup"
                + " folder is full; the standby keeps its previous backup and data");
        assertThat(LastTransfer.read(dir.resolve("state")).orElseThrow().error()).isEqualTo("the backup folder is full");
        Map<String, Object> view = t.statusView();
        assertThat(view).containsKeys("schedule", "nextRun", "lastTransfer");
    }

    @Test
    void theImportWatchHandsANewImportRecordToTheEngine() throws IOException {
        NodeConfig c = Nodes.standby(dir, "true {file}");
        Settable clock = new Settable(FIRST);
        ImportWatch w = new ImportWatch(c, new SystemCommands(), observed::add, clock);
        w.changed();
        assertThat(observed).isEmpty();
        assertThat(w.statusView()).containsEntry("lastImport", null);

        LastImport.write(c.node().stateDir(), new LastImport.Entry(FIRST, "backup-a.backup",
                java.time.Duration.ofDays(1), 10, ""));
        w.changed();
        w.changed();

        assertThat(observed).containsExactly(new BackupImported(FIRST.toEpochMilli(), "backup-a.backup", 86_400_000L));
        clock.now = FIRST.plusSeconds(3_600);
        assertThat(w.statusView()).containsEntry("dataAgeSeconds", 3_600L);

        LastImport.write(c.node().stateDir(), new LastImport.Entry(FIRST.plusSeconds(60), "backup-b.backup",
                java.time.Duration.ofDays(1), 10, ""));
        w.changed();
        assertThat(observed).hasSize(2);
        assertThat(Files.exists(c.node().stateDir().resolve(LastImport.FILE))).isTrue();
    }
}
