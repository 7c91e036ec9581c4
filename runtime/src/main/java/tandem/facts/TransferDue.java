package tandem.facts;

import java.util.Objects;

/**
 * Observation (one-shot): the active's schedule says a backup transfer is due (RED-1, RED-4), including
 * a run missed while the node was down, which is due once at start. Comes from the transfer timer
 * ({@code tandem.redundancy.BackupTransfer#due}) at every poll until the run has started; the rules
 * decide whether it runs now (rules/redundancy/transfer.drl).
 *
 * @param run    the scheduled run that is due (epoch milliseconds)
 * @param missed true when the run fell due while the node was down (before it started)
 * @param why    the run as a sentence, for the log ("the run of 24.12.2026 02:30 Europe/Berlin")
 * @param at     when it was observed (engine clock, ms)
 */
public record TransferDue(long run, boolean missed, String why, long at) {
    public TransferDue {
        Objects.requireNonNull(why, "why");
    }
}
