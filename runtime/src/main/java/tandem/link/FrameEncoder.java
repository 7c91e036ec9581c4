package tandem.link;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound side of one connection to the peer: signs each {@link Outgoing} into a frame, with
 * the sequence number and timestamp taken here, on the connection's thread, so they are in wire
 * order. Guarantees HELLO is the first frame on every connection, whichever of camel-netty's first
 * write and Netty's channelActive comes first.
 */
final class FrameEncoder extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);

    /** What the encoder needs from the {@link PeerLink}. */
    interface Sink {
        byte[] encode(Link link, Outgoing o);

        Outgoing hello();

        void connected(Link link, boolean up);
    }

    private final Link link;
    private final Sink sink;
    private boolean helloSent;

    FrameEncoder(Link link, Sink sink) {
        this.link = link;
        this.sink = sink;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        link.outbound = ctx.channel();
        sink.connected(link, true);
        if (!helloSent) {
            helloSent = true;
            writeFrame(ctx, sink.hello(), ctx.newPromise());
            ctx.flush();
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (link.outbound == ctx.channel()) {
            link.outbound = null;
        }
        sink.connected(link, false);
        super.channelInactive(ctx);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof Outgoing o)) {
            ctx.write(msg, promise);
            return;
        }
        if (!ctx.channel().isWritable()) {
            // the peer stopped reading: drop rather than queue without bound; the link shows it as send failures
            promise.setFailure(new IOException("the peer is not reading; frame dropped"));
            return;
        }
        if (!helloSent) {
            helloSent = true;
            if (o.type() != FrameType.HELLO) {
                writeFrame(ctx, sink.hello(), ctx.newPromise());
            }
        }
        writeFrame(ctx, o, promise);
    }

    private void writeFrame(ChannelHandlerContext ctx, Outgoing o, ChannelPromise promise) {
        byte[] frame;
        try {
            frame = sink.encode(link, o);
        } catch (RuntimeException e) {
            promise.setFailure(e);
            return;
        }
        ChannelFuture f = ctx.write(Unpooled.wrappedBuffer(frame), promise);
        f.addListener((ChannelFutureListener) done -> {
            if (done.isSuccess()) {
                link.counters.sent.increment();
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // the peer never answers on this connection; whatever it sends is discarded unread
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reset or TLS failure: close; the next send reconnects, and its failure is counted and logged
        LOG.debug("peer link {}: connection to {} failed: {}", link, Link.hostPort(link.remote), cause.toString());
        ctx.close();
    }
}
