package tandem.link;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tandem.config.Endpoint;

/**
 * The encoder on one connection, with the link's clock in the test's hand: a heartbeat that waited for
 * its connection (a dial completed only when a cut healed) is not sent; everything else is.
 */
class FrameEncoderTest {
    private static final long HEARTBEAT = 100;
    private long now = 1_000_000;
    private final Link link = new Link(Protocol.MAIN, new Endpoint("127.0.0.1", 1), new Endpoint("127.0.0.1", 2));

    /** Encodes a frame as its type and the time it was made, so the test can read what went out. */
    private final FrameEncoder.Sink sink = new FrameEncoder.Sink() {
        @Override
        public byte[] encode(Link l, Outgoing o) {
            return (o.type() + "@" + o.madeAt()).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Outgoing hello() {
            return frame(FrameType.HELLO, now);
        }

        @Override
        public long now() {
            return now;
        }

        @Override
        public long heartbeatMillis() {
            return HEARTBEAT;
        }

        @Override
        public void connected(Link l, boolean up) {
        }
    };

    private static Outgoing frame(FrameType type, long madeAt) {
        return new Outgoing(type, JsonNodeFactory.instance.objectNode(), madeAt);
    }

    private static List<String> written(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) m;
            out.add(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return out;
    }

    @Test
    void heartbeatsMadeMoreThanAnIntervalBeforeTheConnectionWasUpAreNotSentTheRestIs() {
        long dialled = now;
        // made while the dial waited for the peer (its first SYN lost in a cut), handed over in this order
        Outgoing alone = frame(FrameType.HEARTBEAT, dialled);
        Outgoing command = frame(FrameType.COMMAND, dialled + 50);
        Outgoing wait = frame(FrameType.HEARTBEAT, dialled + 790);
        Outgoing lastBeforeUp = frame(FrameType.HEARTBEAT, dialled + 850);
        now = dialled + 900; // the cut heals: the dial completes

        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder(link, sink));
        List<ChannelFuture> writes = new ArrayList<>();
        for (Outgoing o : List.of(alone, command, wait, lastBeforeUp)) {
            writes.add(ch.writeOneOutbound(o));
        }
        ch.flushOutbound();
        now += 30;
        Outgoing fresh = frame(FrameType.HEARTBEAT, now);
        writes.add(ch.writeOneOutbound(fresh));
        ch.flushOutbound();

        assertThat(written(ch)).containsExactly("HELLO@" + (dialled + 900), "COMMAND@" + (dialled + 50),
                "HEARTBEAT@" + (dialled + 850), "HEARTBEAT@" + now);
        assertThat(writes).as("a heartbeat left out is not a failed send (the connection is fine)")
                .allMatch(ChannelFuture::isSuccess);
        assertThat(link.counters.snapshot().framesSent()).as("frames on the wire").isEqualTo(4);
        ch.finishAndReleaseAll();
    }

    @Test
    void onAConnectionThatIsUpALateHeartbeatIsStillSent() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder(link, sink));
        assertThat(written(ch)).containsExactly("HELLO@" + now);
        // the node was busy (a long collection, a loaded machine): late, but made on this connection
        long made = now + 10;
        now += 5_000;
        ChannelFuture w = ch.writeOneOutbound(frame(FrameType.HEARTBEAT, made));
        ch.flushOutbound();
        assertThat(w.isSuccess()).isTrue();
        assertThat(written(ch)).containsExactly("HEARTBEAT@" + made);
        ch.finishAndReleaseAll();
    }

    /**
     * A dial that the peer does not answer: a loopback listener whose accept queue is full drops the
     * SYN, as a cut network would, so the connect waits for TCP's retransmission.
     */
    @Test
    void aDialStillUnansweredIsGivenUpWhenItWaitedLongEnough() throws Exception {
        EventLoopGroup group = new NioEventLoopGroup(1);
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort());
            List<Socket> queued = new ArrayList<>();
            try {
                // Linux keeps backlog + 1 completed connections waiting for accept(); the next SYN is dropped
                for (int i = 0; i < 2; i++) {
                    Socket s = new Socket();
                    s.connect(at, 2_000);
                    queued.add(s);
                }
                ChannelFuture dial = new Bootstrap().group(group).channel(NioSocketChannel.class)
                        .handler(new FrameEncoder(link, sink)).connect(at);
                Await.until("the dial is registered", () -> link.dialling != null);
                assertThat(link.dialling.isActive()).as("the SYN is not answered").isFalse();

                long since = link.diallingSince;
                assertThat(link.abandonDial(since - 1, now)).as("a dial younger than the limit is kept").isFalse();
                assertThat(dial.isDone()).isFalse();
                assertThat(link.abandonDial(since, now)).as("one that waited the limit is given up").isTrue();
                assertThat(link.abandonedAt).isEqualTo(now);
                assertThat(dial.await(5, TimeUnit.SECONDS)).as("the connect ends at once").isTrue();
                assertThat(dial.isSuccess()).isFalse();
                assertThat(link.dialling).isNull();
                assertThat(link.abandonDial(Long.MAX_VALUE, now)).as("nothing left to give up").isFalse();

                // a dial that failed by itself is not given up again
                ChannelFuture again = new Bootstrap().group(group).channel(NioSocketChannel.class)
                        .handler(new FrameEncoder(link, sink)).connect(at);
                Await.until("the second dial is registered", () -> link.dialling != null);
                again.channel().close().await(5, TimeUnit.SECONDS);
                assertThat(link.abandonDial(Long.MAX_VALUE, now)).isFalse();
                assertThat(link.dialling).isNull();
            } finally {
                for (Socket s : queued) {
                    s.close();
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }
}
