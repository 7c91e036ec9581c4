package tandem.facts;

/**
 * Derived (rules/redundancy/rollback.drl, insertLogical): a rollback has shut this switched standby's
 * modules down and not yet handed the role back, so the node stays stopped, across a restart too
 * (rules/redundancy/life.drl yields to it).
 *
 * @param why which step holds it, for the sentences
 */
public record RollbackHolds(String why) {
}
