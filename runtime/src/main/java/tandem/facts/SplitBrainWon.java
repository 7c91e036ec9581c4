package tandem.facts;

/**
 * Inserted by the rules when this node kept the role in a split brain (both active, this one outranks
 * the peer); taken when the loser has left the role, so that the address is announced once more then
 * (rules/pair/vip.drl), or when this node leaves the role itself.
 */
public record SplitBrainWon() {
}
