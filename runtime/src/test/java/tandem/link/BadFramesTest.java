package tandem.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;

/**
 * A raw socket sends bad frames to node2's listener, claiming to be node1, while the real node1
 * keeps sending heartbeats through a {@link Tap} (which also records them for the replay). Each bad
 * frame is dropped with its reason counted, and the good heartbeats keep arriving.
 */
class BadFramesTest {
    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();
    private final FrameCodec codec = new FrameCodec(Nodes.SECRET);
    private final Recorder rec2 = new Recorder();
    private Tap tap;
    private PeerLink node1;
    private PeerLink node2;
    private int node2Port;

    @BeforeEach
    void twoNodes() throws IOException {
        int[] ports = Nodes.freePortPairs(2);
        node2Port = ports[1];
        tap = new Tap(node2Port);
        node1 = new PeerLink(new Nodes.Spec("node1", "node2", ports[0], tap.port()).config(dir), new Recorder(), clock,
                PeerLink.Options.plain());
        node2 = new PeerLink(new Nodes.Spec("node2", "node1", ports[1], ports[0]).config(dir), rec2, clock,
                PeerLink.Options.plain());
        node1.start();
        node2.start();
        Await.until("node1's heartbeats at node2", () -> rec2.beatCount() > 0, this::beat);
    }

    @AfterEach
    void close() {
        node1.close();
        node2.close();
        tap.close();
    }

    private void beat() {
        node1.send(new Heartbeat("node1", NodeState.PRIM, DataState.UPTODATE, 1, false, 0, clock.millis()));
    }

    /** Sends {@code bytes} on a new connection to node2, closes it, and checks the drop and the flow after it. */
    private void assertDropped(DropReason reason, byte[]... frames) throws IOException {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            for (byte[] f : frames) {
                out.write(f);
            }
            out.flush();
        }
        assertDroppedOnly(reason, frames.length);
    }

    private void assertDroppedOnly(DropReason reason, int count) {
        Await.until(count + " drop(s) for " + reason, () -> node2.stats().dropped(reason) == count, this::beat);
        int before = rec2.beatCount();
        Await.until("good heartbeats after the bad frame", () -> rec2.beatCount() >= before + 3, this::beat);
        LinkStats stats = node2.stats();
        assertThat(stats.droppedTotal()).as("drops other than %s: %s", reason, stats.dropped()).isEqualTo(count);
        assertThat(node2.links().get(0).stats().dropped(reason)).isEqualTo(count);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), node2Port);
        s.setSoTimeout((int) Await.LIMIT.toMillis());
        return s;
    }

    private Envelope heartbeat(String from, String link, String session, long seq, long ts) {
        return new Envelope(FrameType.HEARTBEAT, from, link, session, seq, ts, Bodies.heartbeat(
                new Heartbeat(from, NodeState.ALONE, DataState.UPTODATE, 99, false, 0, ts)));
    }

    @Test
    void aForgedFrameIsDropped() throws IOException {
        FrameCodec forger = new FrameCodec("not-the-cluster-secret-42");
        assertDropped(DropReason.BAD_HMAC, forger.encode(heartbeat("node1", "main", "forged", 1_000_000, clock.millis())));
        assertThat(rec2.beatFrom("node1", 99)).isFalse();
    }

    @Test
    void aFloodOfForgedFramesIsCountedInFullButLoggedOnce() throws IOException {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(PeerLink.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        log.addAppender(appender);
        try {
            FrameCodec forger = new FrameCodec("not-the-cluster-secret-42");
            byte[][] flood = new byte[50][];
            for (int i = 0; i < flood.length; i++) {
                flood[i] = forger.encode(heartbeat("node1", "main", "forged", 1_000_000 + i, clock.millis()));
            }
            assertDropped(DropReason.BAD_HMAC, flood);
        } finally {
            log.detachAppender(appender);
        }
        List<String> warnings = appender.list.stream()
                .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("dropped frame")).toList();
        assertThat(warnings).as("one line for 50 forged frames within 10 s").hasSize(1);
        assertThat(warnings.get(0)).contains("bad hmac");
    }

    @Test
    void aRecordedFrameSentAgainIsDroppedAsReplayed() throws IOException {
        List<byte[]> recorded = tap.frames();
        byte[] captured = null;
        for (byte[] f : recorded) {
            try {
                if (codec.decode(Arrays.copyOfRange(f, 4, f.length)).type() == FrameType.HEARTBEAT) {
                    captured = f;
                }
            } catch (Dropped d) {
                throw new AssertionError(d);
            }
        }
        assertThat(captured).as("a heartbeat among %d recorded frames", recorded.size()).isNotNull();
        assertDropped(DropReason.REPLAYED, captured);
    }

    @Test
    void aNewSessionIsAcceptedOnlyWithANewerTimestamp() throws IOException {
        // a session node2 has not seen, dated a minute back: older than node1's current session's frames
        assertDropped(DropReason.REPLAYED, codec.encode(heartbeat("node1", "main", "older", 1, clock.millis() - 60_000)));
    }

    @Test
    void aFrameDatedFurtherBackThanTheAllowedSkewIsDroppedAsStale() throws IOException {
        long back = Protocol.MAX_CLOCK_SKEW.toMillis() + 60_000;
        assertDropped(DropReason.STALE, codec.encode(heartbeat("node1", "main", "ancient", 1, clock.millis() - back)));
    }

    @Test
    void aFrameDatedADayAheadIsDroppedAndLaterFramesStillCount() throws IOException {
        // signed with the secret, as an insider or a peer with a broken clock would: in a session of its own,
        // and in node1's current one (its id read off the wire) with a sequence number far ahead
        String current = null;
        for (byte[] f : tap.frames()) {
            try {
                current = codec.decode(Arrays.copyOfRange(f, 4, f.length)).session();
            } catch (Dropped d) {
                throw new AssertionError(d);
            }
        }
        long dayAhead = clock.millis() + 24 * 3_600_000L;
        assertDropped(DropReason.FUTURE, codec.encode(heartbeat("node1", "main", "future", 1, dayAhead)),
                codec.encode(heartbeat("node1", "main", current, 1_000_000, dayAhead)));
        assertThat(rec2.beatFrom("node1", 99)).isFalse();
        assertThat(node2.links().get(0).up()).isTrue();
    }

    @Test
    void aTruncatedFrameIsDropped() throws IOException {
        byte[] good = codec.encode(heartbeat("node1", "main", "cut", 1, clock.millis() + 1));
        // the connection ends 10 bytes short of the frame
        assertDropped(DropReason.TRUNCATED, Arrays.copyOf(good, good.length - 10));
    }

    @Test
    void aFrameTooShortForItsHmacIsDroppedAsTruncated() throws IOException {
        assertDropped(DropReason.TRUNCATED, ByteBuffer.allocate(4 + 10).putInt(10).put((byte) 1).array());
    }

    @Test
    void anOversizedLengthPrefixClosesTheConnectionUnread() throws IOException {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(ByteBuffer.allocate(8).putInt(Protocol.MAX_FRAME + 1).putInt(0).array());
            out.flush();
            assertThat(readsEndOfStream(s.getInputStream())).as("node2 closed the connection").isTrue();
        }
        assertDroppedOnly(DropReason.OVERSIZED, 1);
    }

    @Test
    void garbageIsDropped() throws IOException {
        // text: its first four bytes make a length far above 64 KiB
        assertDropped(DropReason.OVERSIZED, "GET / HTTP/1.1\r\nHost: node2\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        // noise behind a plausible length and version
        byte[] noise = new byte[60];
        new java.util.Random(7).nextBytes(noise);
        noise[0] = (byte) Protocol.VERSION;
        try (Socket s = connect()) {
            s.getOutputStream().write(ByteBuffer.allocate(4 + 60).putInt(60).put(noise).array());
        }
        Await.until("noise dropped for its HMAC", () -> node2.stats().dropped(DropReason.BAD_HMAC) == 1, this::beat);
        int before = rec2.beatCount();
        Await.until("good heartbeats after the noise", () -> rec2.beatCount() >= before + 3, this::beat);
    }

    @Test
    void aFrameOfAnotherVersionIsDropped() throws IOException {
        byte[] good = codec.encode(heartbeat("node1", "main", "v2", 1, clock.millis() + 1));
        byte[] envelope = Arrays.copyOfRange(good, 5, good.length - Protocol.HMAC_LENGTH);
        // correctly signed, only the version differs
        assertDropped(DropReason.WRONG_VERSION, codec.frame(2, envelope));
    }

    @Test
    void signedButMalformedEnvelopesAreDropped() throws IOException {
        assertDropped(DropReason.MALFORMED,
                codec.frame(1, "not json at all".getBytes(StandardCharsets.UTF_8)),
                codec.frame(1, "{\"type\":\"HEARTBEAT\",\"from\":\"node1\"}".getBytes(StandardCharsets.UTF_8)),
                codec.frame(1, ("{\"type\":\"HEARTBEAT\",\"from\":\"node1\",\"link\":\"main\",\"session\":\"m\",\"seq\":1,"
                        + "\"ts\":" + (clock.millis() + 1) + ",\"body\":{\"nodeId\":\"node1\"}}").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aFrameFromAnotherNodeIsDropped() throws IOException {
        assertDropped(DropReason.UNEXPECTED_NODE, codec.encode(heartbeat("node3", "main", "n3", 1, clock.millis() + 1)));
    }

    @Test
    void aFrameSignedForTheOtherLinkIsDropped() throws IOException {
        assertDropped(DropReason.WRONG_LINK, codec.encode(heartbeat("node1", "second", "x", 1, clock.millis() + 1)));
    }

    private static boolean readsEndOfStream(InputStream in) throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }
}
