package tandem.facts;

/**
 * Derived (classify.drl, insertLogical): since this node started, nothing has been heard from the peer
 * for {@link Settings#answerWaitMs()}: SBS-1's "the peer does not answer".
 */
public record PeerUnanswered() {
}
