package tandem.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.NodeConfig;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;

/** What a node writes on a fresh connection, read by a raw socket standing in for the peer. */
class WireTest {
    @TempDir
    Path dir;

    @Test
    void helloComesFirstThenHeartbeatsInSequence() throws Exception {
        int[] ports = Nodes.freePortPairs(2);
        NodeConfig config = new Nodes.Spec("node1", "node2", ports[0], ports[1]).config(dir);
        Clock clock = Clock.fixed(Instant.parse("2025-03-01T10:00:00Z"), ZoneOffset.UTC);
        FrameCodec codec = new FrameCodec(Nodes.SECRET);
        try (ServerSocket fakePeer = new ServerSocket(ports[1], 1, InetAddress.getLoopbackAddress());
             PeerLink link = new PeerLink(config, new Recorder(), clock, PeerLink.Options.plain())) {
            fakePeer.setSoTimeout((int) Await.LIMIT.toMillis());
            link.start();
            try (Socket s = fakePeer.accept()) {
                s.setSoTimeout((int) Await.LIMIT.toMillis());
                DataInputStream in = new DataInputStream(s.getInputStream());
                Envelope hello = codec.decode(read(in));
                assertThat(hello.type()).isEqualTo(FrameType.HELLO);
                assertThat(hello.from()).isEqualTo("node1");
                assertThat(hello.link()).isEqualTo("main");
                assertThat(hello.seq()).isEqualTo(1);
                assertThat(hello.ts()).isEqualTo(clock.millis());
                Bodies.Hello body = Bodies.hello(hello.body());
                assertThat(body.version()).isEqualTo(Protocol.TANDEM_VERSION);
                assertThat(body.profile()).isEqualTo("ms-failover");
                assertThat(body.fingerprint()).isEqualTo(Fingerprint.of(config));

                link.send(new Heartbeat("node1", NodeState.PRIM, DataState.UPTODATE, 4, true, 0, clock.millis()));
                Envelope next = codec.decode(read(in));
                while (next.type() == FrameType.HELLO) {
                    // the dial timer may have said HELLO again before the heartbeat went out
                    next = codec.decode(read(in));
                }
                assertThat(next.type()).isEqualTo(FrameType.HEARTBEAT);
                assertThat(next.seq()).isGreaterThan(hello.seq());
                assertThat(next.session()).isEqualTo(hello.session());
                assertThat(Bodies.heartbeat(next.body()))
                        .isEqualTo(new Heartbeat("node1", NodeState.PRIM, DataState.UPTODATE, 4, true, 0, clock.millis()));
            }
        }
    }

    private static byte[] read(DataInputStream in) throws IOException {
        int length = in.readInt();
        assertThat(length).isBetween(FrameCodec.MIN_FRAME, Protocol.MAX_FRAME);
        byte[] frame = new byte[length];
        in.readFully(frame);
        return frame;
    }
}
