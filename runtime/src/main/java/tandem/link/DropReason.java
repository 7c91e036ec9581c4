package tandem.link;

/** Why a received frame was not delivered; {@link LinkStats} counts drops per reason. */
public enum DropReason {
    /** The length prefix exceeds {@link Protocol#MAX_FRAME}; the connection is closed unread. */
    OVERSIZED("oversized"),
    /** Shorter than version + HMAC, or the connection closed in the middle of a frame. */
    TRUNCATED("truncated"),
    /** Authentic but not a valid envelope: bad JSON, a missing or mistyped field, an unknown type. */
    MALFORMED("malformed"),
    /** A version byte other than {@link Protocol#VERSION}. */
    WRONG_VERSION("wrong version"),
    /** The HMAC does not match: forged, corrupted, or the peer has another cluster secret. */
    BAD_HMAC("bad hmac"),
    /** Signed by a node id other than {@code peer.id}. */
    UNEXPECTED_NODE("unexpected node"),
    /** Signed for the other link (a cross-link replay, or crossed port settings). */
    WRONG_LINK("wrong link"),
    /** Sequence number not above the last accepted one of that session, or an older session. */
    REPLAYED("replayed"),
    /** Timestamp more than {@link Protocol#MAX_CLOCK_SKEW} behind the receiver's clock. */
    STALE("stale timestamp"),
    /** Timestamp more than {@link Protocol#MAX_CLOCK_SKEW} ahead of the receiver's clock. */
    FUTURE("future timestamp"),
    /**
     * A heartbeat that waited at its sender longer than the failover timeout before its frame was
     * written: not evidence of the sender's current state (the frame itself still counts for the link).
     */
    OUTDATED("outdated heartbeat"),
    /** A heartbeat or command from a peer whose settings fingerprint differs (MS-9). */
    SETTINGS_MISMATCH("settings mismatch"),
    /** The TLS handshake or a TLS record failed. */
    TLS("tls failure");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    /** The words the log and the console use. */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
