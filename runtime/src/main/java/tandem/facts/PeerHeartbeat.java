package tandem.facts;

/** The latest heartbeat received from the peer, replaced at every heartbeat; only classify rules read it. */
public record PeerHeartbeat(Heartbeat heartbeat, long receivedAt) {
}
