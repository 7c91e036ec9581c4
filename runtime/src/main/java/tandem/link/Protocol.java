package tandem.link;

import java.time.Duration;

/**
 * Constants of the peer-link wire protocol (DESIGN.md, "The peer link"). A frame is
 *
 * <pre>
 *   uint32 length      big-endian; the number of bytes that follow (version + envelope + HMAC), at most {@link #MAX_FRAME}
 *   uint8  version     {@link #VERSION}
 *   byte[] envelope    UTF-8 JSON: {"type","from","link","session","seq","ts","body"}
 *   byte[32] hmac      HMAC-SHA256(cluster secret, version byte + envelope bytes)
 * </pre>
 *
 * The envelope's {@code link} field ({@code main} or {@code second}) is covered by the HMAC so that a
 * frame recorded on one link cannot be replayed on the other, whose sequence numbers are separate.
 */
public final class Protocol {
    /** The wire format's version byte; a receiver drops frames of any other version. */
    public static final int VERSION = 1;

    /** Tandem's release, sent in HELLO and part of the settings fingerprint (MS-9). */
    public static final String TANDEM_VERSION = "0.1.0";

    /** Largest accepted frame after the length prefix (64 KiB); a bigger prefix closes the connection. */
    public static final int MAX_FRAME = 64 * 1024;

    /** Length of the trailing HMAC-SHA256. */
    public static final int HMAC_LENGTH = 32;

    /** How often HELLO is repeated on a connection, besides being its first frame. */
    public static final Duration HELLO_INTERVAL = Duration.ofSeconds(30);

    /**
     * The allowed clock skew between the nodes: a frame dated further ahead of the receiver's clock, or
     * further behind it, is dropped. Within it a difference (a clock step of either node) is only
     * reported (MS-12, resource {@code clock.peer}); frames are ordered by session and sequence number,
     * not by their timestamps ({@link Receiver}).
     */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofHours(1);

    /** A link is up while an authentic frame arrived within this many heartbeat intervals. */
    public static final int UP_INTERVALS = 3;

    /** The name of the link on {@code listen.port} / {@code peer.port}. */
    public static final String MAIN = "main";

    /** The name of the optional link on {@code listen.port + 1} / {@code peer.second-link}. */
    public static final String SECOND = "second";

    private Protocol() {
    }
}
