package tandem.facts;

/** Derived (classify.drl, insertLogical): the witness address answers. */
public record WitnessReachable() {
}
