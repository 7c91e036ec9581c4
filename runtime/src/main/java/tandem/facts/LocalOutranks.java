package tandem.facts;

/**
 * Derived (classify.drl, insertLogical): when both nodes claim, or may claim, the active role, this
 * node is the one that keeps it (see {@link Rank}).
 */
public record LocalOutranks() {
}
