package tandem.facts;

/**
 * Since when this node's peer link listens and dials: inserted once, when the link has started. The
 * peer's silence (and SBS-1's "the peer does not answer") is counted from here, never from the
 * engine's {@link Boot}: a node whose start is slow must not take the peer for silent before it
 * could hear anything.
 */
public record LinkListening(long at) {
}
