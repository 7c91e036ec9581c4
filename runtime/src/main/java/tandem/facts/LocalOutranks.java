package tandem.facts;

/**
 * Derived (classify.drl, insertLogical): when both nodes claim, or may claim, the active role, this
 * node is the one that keeps it. The order (current data, then generation, then priority, then the
 * lower node id) is the rule "This node outranks its peer"; both nodes compute it from the same
 * heartbeat values, so they always agree.
 */
public record LocalOutranks() {
}
