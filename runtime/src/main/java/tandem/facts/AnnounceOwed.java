package tandem.facts;

/**
 * Inserted by the rules (rules/pair/vip.drl) while this node is active and the peer may have taken the
 * virtual IP behind its back: the peer fell silent (a partition: it may have taken over and made the
 * clients learn its MAC), or both nodes are active and this one outranks the peer (a split brain). Taken
 * when the peer is heard again, out of the role and holding nothing, with the announcement that moves the
 * clients back to this node; or when this node leaves the role itself.
 *
 * @param why what made the announcement due, for the decision's reason
 */
public record AnnounceOwed(String why) {
}
