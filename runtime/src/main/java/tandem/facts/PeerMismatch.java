package tandem.facts;

/**
 * The peer's HELLO carries settings that must match this node's and do not (MS-9): the link withholds
 * its heartbeats, and the rules hold every role as it is until the settings agree again.
 */
public record PeerMismatch(String detail) {
}
