package tandem.link;

/** The kinds of frame on the peer link. */
enum FrameType {
    /** First frame on every connection and every {@link Protocol#HELLO_INTERVAL}: who, which version, settings fingerprint. */
    HELLO,
    /** The sender's {@link tandem.facts.Heartbeat}. */
    HEARTBEAT,
    /** An operator command to run on the peer, e.g. a swap issued on the secondary. */
    COMMAND,
    /**
     * A replication notice from the active node: files changed (continuous mode), or "pull
     * everything now" before it stops (SBS-4). Delivered once, like a command.
     */
    NOTICE
}
