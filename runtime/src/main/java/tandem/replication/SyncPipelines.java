package tandem.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.apache.camel.component.netty.ClientInitializerFactory;
import org.apache.camel.component.netty.NettyConsumer;
import org.apache.camel.component.netty.NettyProducer;
import org.apache.camel.component.netty.ServerInitializerFactory;
import org.apache.camel.component.netty.handlers.ClientChannelHandler;
import org.apache.camel.component.netty.handlers.ServerChannelHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.link.DropLog;
import tandem.link.TlsHandlers;

/**
 * The Netty pipelines of the sync channel, plugged into camel-netty like the peer link's: [tls]
 * frame decoder, frame encoder, camel-netty's handler. Incoming file data is copied once, into a
 * recycled array ({@link Payloads}); outgoing frames with file data are written from direct buffers.
 */
public final class SyncPipelines {
    private static final Logger LOG = LoggerFactory.getLogger(SyncPipelines.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final UnpooledByteBufAllocator HEAP = new UnpooledByteBufAllocator(false);

    private SyncPipelines() {
    }

    /**
     * Logs a refused connection or request as the peer link logs dropped frames ({@link DropLog}):
     * under a flood (a port scanner, a sender with the wrong secret, a replayed capture), the first
     * per reason is a WARN, then at most one per {@link DropLog#EVERY_MILLIS} saying how many were left
     * out; the others go to DEBUG.
     *
     * @param reason a fixed word per kind of refusal (never an address: each reason keeps a window)
     */
    static void warnRateLimited(Logger log, DropLog drops, Clock clock, String reason, String message) {
        long left = drops.admit("sync channel", reason, clock.millis());
        if (left > 0) {
            log.warn("{} ({} more refused for this reason in the last {} s were not logged)", message, left,
                    DropLog.EVERY_MILLIS / 1000);
        } else if (left == 0) {
            log.warn("{}", message);
        } else {
            log.debug("{}", message);
        }
    }

    /** Active node's side: serves the standby's requests. */
    public static final class Server extends ServerInitializerFactory {
        private final SyncCodec codec;
        private final String nodeId;
        private final Optional<SSLContext> tls;
        private final Clock clock;
        private final NettyConsumer consumer;
        /** Shared by all connections: a flood of bad ones is logged per reason, not per connection. */
        private final DropLog drops;

        public Server(SyncCodec codec, String nodeId, Optional<SSLContext> tls, Clock clock) {
            this(codec, nodeId, tls, clock, null, new DropLog());
        }

        private Server(SyncCodec codec, String nodeId, Optional<SSLContext> tls, Clock clock, NettyConsumer consumer,
                DropLog drops) {
            this.codec = codec;
            this.nodeId = nodeId;
            this.tls = tls;
            this.clock = clock;
            this.consumer = consumer;
            this.drops = drops;
        }

        @Override
        public ServerInitializerFactory createPipelineFactory(NettyConsumer c) {
            return new Server(codec, nodeId, tls, clock, c, drops);
        }

        @Override
        protected void initChannel(Channel ch) {
            ch.config().setAllocator(HEAP);
            ChannelPipeline p = ch.pipeline();
            tls.ifPresent(ctx -> p.addLast("ssl", TlsHandlers.server(ctx)));
            // a standby between cycles keeps its connections open; one idle for 5 minutes is closed
            p.addLast("idle", new IdleStateHandler(300, 0, 0, TimeUnit.SECONDS));
            p.addLast("frames", new Decoder(codec, drops, clock));
            p.addLast("signer", new Encoder(codec, nodeId, clock, false));
            p.addLast("handler", new ServerChannelHandler(consumer));
        }
    }

    /** Standby's side: each connection signs its requests under a session of its own. */
    public static final class Client extends ClientInitializerFactory {
        private final SyncCodec codec;
        private final String nodeId;
        private final Optional<SSLContext> tls;
        private final Clock clock;
        private final String host;
        private final int port;
        private final NettyProducer producer;
        private final DropLog drops;

        public Client(SyncCodec codec, String nodeId, Optional<SSLContext> tls, Clock clock, String host, int port) {
            this(codec, nodeId, tls, clock, host, port, null, new DropLog());
        }

        private Client(SyncCodec codec, String nodeId, Optional<SSLContext> tls, Clock clock, String host, int port,
                NettyProducer producer, DropLog drops) {
            this.codec = codec;
            this.nodeId = nodeId;
            this.tls = tls;
            this.clock = clock;
            this.host = host;
            this.port = port;
            this.producer = producer;
            this.drops = drops;
        }

        @Override
        public ClientInitializerFactory createPipelineFactory(NettyProducer p) {
            return new Client(codec, nodeId, tls, clock, host, port, p, drops);
        }

        @Override
        protected void initChannel(Channel ch) {
            ch.config().setAllocator(HEAP);
            ChannelPipeline p = ch.pipeline();
            tls.ifPresent(ctx -> p.addLast("ssl", TlsHandlers.client(ctx, host, port)));
            p.addLast("frames", new Decoder(codec, drops, clock));
            p.addLast("signer", new Encoder(codec, nodeId, clock, true));
            p.addLast("handler", new ClientChannelHandler(producer));
        }
    }

    /**
     * Cuts frames at their length prefix and checks them; a bad frame closes the connection, logged
     * at most once per reason and {@link DropLog#EVERY_MILLIS} ({@link #warnRateLimited}). The
     * incoming bytes are gathered without copying (a composite buffer) and each part of a frame is
     * copied once, into the array the message keeps.
     */
    static final class Decoder extends ByteToMessageDecoder {
        private final SyncCodec codec;
        private final DropLog drops;
        private final Clock clock;

        Decoder(SyncCodec codec, DropLog drops, Clock clock) {
            this.codec = codec;
            this.drops = drops;
            this.clock = clock;
            setCumulator(COMPOSITE_CUMULATOR);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (in.readableBytes() < 4) {
                return;
            }
            long length = in.getUnsignedInt(in.readerIndex());
            if (length > SyncCodec.MAX_FRAME || length < 1 + 4 + 2 + 32) {
                warnRateLimited(LOG, drops, clock, "length prefix", "sync channel: closing the connection with "
                        + ctx.channel().remoteAddress() + ": length prefix " + length + " is not a frame's (at most "
                        + SyncCodec.MAX_FRAME + " bytes)");
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
            if (in.readableBytes() < 4 + length) {
                return;
            }
            in.skipBytes(4);
            int version = in.readUnsignedByte();
            long headerLength = in.readUnsignedInt();
            if (headerLength < 2 || headerLength > SyncCodec.MAX_HEADER || 1 + 4 + headerLength + 32 > length) {
                warnRateLimited(LOG, drops, clock, "header length", "sync channel: closing the connection with "
                        + ctx.channel().remoteAddress() + ": header length " + headerLength + " does not fit a frame of "
                        + length + " bytes");
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
            byte[] header = new byte[(int) headerLength];
            in.readBytes(header);
            byte[] mac = new byte[32];
            in.readBytes(mac);
            int payloadLength = (int) (length - 1 - 4 - headerLength - 32);
            byte[] payload = Payloads.take(payloadLength);
            in.readBytes(payload, 0, payloadLength);
            try {
                out.add(codec.decode(version, header, mac, payload, payloadLength));
            } catch (SyncCodec.BadFrameException e) {
                Payloads.give(payload);
                warnRateLimited(LOG, drops, clock, "bad frame", "sync channel: closing the connection with "
                        + ctx.channel().remoteAddress() + ": bad frame: " + e.getMessage());
                in.skipBytes(in.readableBytes());
                ctx.close();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("sync channel: connection with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    /**
     * Stamps sender, time and (requests) the connection's session and sequence, signs, and writes the
     * frame into one buffer of its exact size: off the heap when it carries file data (the socket writes
     * it without another copy; unpooled, it is freed once written, so only frames in flight use direct
     * memory), on the heap for control messages. A pooled payload array goes back once copied.
     */
    static final class Encoder extends MessageToMessageEncoder<SyncMessage> {
        private final SyncCodec codec;
        private final String nodeId;
        private final Clock clock;
        private final String session;
        private final AtomicLong seq = new AtomicLong();

        Encoder(SyncCodec codec, String nodeId, Clock clock, boolean requests) {
            super(SyncMessage.class);
            this.codec = codec;
            this.nodeId = nodeId;
            this.clock = clock;
            byte[] id = new byte[8];
            RANDOM.nextBytes(id);
            this.session = requests ? HexFormat.of().formatHex(id) : null;
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, SyncMessage m, List<Object> out) {
            m.header().put("from", nodeId);
            m.header().put("ts", clock.millis());
            if (session != null) {
                m.header().put("session", session);
                m.header().put("seq", seq.incrementAndGet());
            }
            SyncCodec.Signed s = codec.sign(m);
            int size = 4 + s.frameLength();
            ByteBuf buf = m.length() > 64 * 1024 ? ctx.alloc().directBuffer(size, size) : ctx.alloc().heapBuffer(size, size);
            buf.writeInt(s.frameLength()).writeByte(SyncCodec.VERSION).writeInt(s.header().length).writeBytes(s.header())
                    .writeBytes(s.mac()).writeBytes(m.payload(), 0, m.length());
            m.release();
            out.add(buf);
        }
    }
}
