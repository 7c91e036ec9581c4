package tandem.facts;

/** Derived (classify.drl, insertLogical): nothing heard from the peer for the failover timeout. */
public record PeerSilent() {
}
