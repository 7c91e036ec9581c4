package tandem.facts;

/**
 * Derived (insertLogical, rules/sbs/classify.drl): since this node's peer link listens, nothing has been
 * heard from the peer for SBS-1's answer wait (three heartbeats, at most the failover timeout): "the peer
 * does not answer".
 */
public record PeerUnanswered() {
}
