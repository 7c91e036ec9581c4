package tandem.facts;

/**
 * Derived (rules/redundancy/classify.drl, insertLogical), on a standby: the active node has been
 * completely down for {@code switchover.down-for}: no heartbeat, no ping answer and no answer on its SSH
 * port (RED-9).
 *
 * @param silentForMs how long the last of the three has been silent
 */
public record ActiveDown(long silentForMs) {
}
