package tandem.facts;

/**
 * The values of YAML {@code redundancy.rollback:} the rollback's rules read (rules/redundancy/rollback.drl),
 * on a standby. Which steps Tandem runs and which the operator does by hand follows from them.
 *
 * @param configured      the section is there: Tandem makes this node's backup, and imports it on the
 *                        original active over SSH; without it those steps are the operator's, by hand
 * @param restoreCommand  {@code rollback.restore-command} is set: Tandem runs it on the original over SSH to
 *                        restore its IPv4 configuration and licenses; otherwise that step is by hand
 * @param original        the original active's address ({@code switchover.active-address}), for the sentences
 */
public record RollbackSettings(boolean configured, boolean restoreCommand, String original) {
}
