package tandem.facts;

/** Derived (classify.drl, insertLogical): a critical resource has been failing for the failover timeout. */
public record ResourceFailed(String resource) {
}
