package tandem.facts;

/**
 * The fencing command reported the peer down (or unable to serve) at {@code at}; inserted by the
 * rules on the fence-peer action's result, deleted once the peer is heard again.
 */
public record PeerFenced(long at) {
}
