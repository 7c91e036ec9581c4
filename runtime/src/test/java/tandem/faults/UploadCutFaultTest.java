package tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.redundancy.LastTransfer;

/**
 * The fault {@code ssh-gone-mid-upload} ({@link UploadCutFault}) with two fixed seeds: the standby's SSH
 * server goes away in the middle of a backup upload and comes back once within the transfer's attempts
 * (the retry succeeds) and once after the last attempt (the transfer fails, is mailed, and the next one
 * succeeds). Every invariant must hold.
 */
class UploadCutFaultTest {
    /** Seed 5: cut at 68 % of the archive, back 150 ms after attempt 2 of 3 failed. */
    static final long WITHIN = 5;
    /** Seed 7: cut at 16 % of the archive, back 1053 ms after the transfer failed for good. */
    static final long BEYOND = 7;

    @TempDir
    Path dir;

    @Test
    void aCutTheAttemptsCoverEndsInOneImportOfThatBackup() throws Exception {
        assertThat(UploadCutFault.Plan.of(WITHIN).beyond()).isFalse();

        Trial t = UploadCutFault.trial(dir, WITHIN);
        System.out.println(t.json());

        assertThat(t.violations()).as(t.json()).isEmpty();
        assertThat(t.fault()).isEqualTo("ssh-gone-mid-upload");
        assertThat(t.profile()).isEqualTo("redundancy");
        assertThat(t.outageMs()).isEqualTo(-1);
        assertThat(t.pairMs()).as(t.json()).isGreaterThanOrEqualTo(0);
        LastTransfer last = LastTransfer.read(dir.resolve("pair/state/node1")).orElseThrow();
        assertThat(last.ok()).isTrue();
        assertThat(last.attempts()).as(t.json()).isEqualTo(3);
    }

    @Test
    void aCutBeyondTheAttemptsFailsIsMailedAndTheNextTransferSucceeds() throws Exception {
        assertThat(UploadCutFault.Plan.of(BEYOND).beyond()).isTrue();

        Trial t = UploadCutFault.trial(dir, BEYOND);
        System.out.println(t.json());

        assertThat(t.violations()).as(t.json()).isEmpty();
        assertThat(t.pairMs()).as(t.json()).isGreaterThanOrEqualTo(0);
        LastTransfer last = LastTransfer.read(dir.resolve("pair/state/node1")).orElseThrow();
        assertThat(last.ok()).as("the next transfer").isTrue();
        assertThat(last.attempts()).isEqualTo(1);
    }
}
