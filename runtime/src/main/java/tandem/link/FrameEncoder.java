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
 *
 * <p>A heartbeat that waited for its connection longer than a heartbeat interval is not sent (the
 * write succeeds with nothing on the wire): it describes this node as it was when the connection was
 * being dialled. After a cut, a dial whose first SYN was lost completes only when the link heals, a
 * second or more later, and the heartbeats queued behind it (e.g. "ALONE" from just before this node
 * stepped down) would reach the peer as news and start a needless split-brain round. Newer heartbeats
 * follow every interval; frames made after the connection was up are always sent.
 */
final class FrameEncoder extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);

    /** What the encoder needs from the {@link PeerLink}. */
    interface Sink {
        byte[] encode(Link link, Outgoing o);

        Outgoing hello();

        /** The link's monotonic clock ({@link Link#tick()}). */
        long now();

        /** The configured heartbeat interval. */
        long heartbeatMillis();

        void connected(Link link, boolean up);
    }

    private final Link link;
    private final Sink sink;
    private boolean helloSent;
    /** When this connection was up (channelActive or the first write), per {@link Sink#now()}; -1 before. */
    private long upSince = -1;
    private int outdated;

    FrameEncoder(Link link, Sink sink) {
        this.link = link;
        this.sink = sink;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // added when the channel is registered, before it dials
        link.diallingSince = sink.now();
        link.dialling = ctx.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        link.outbound = ctx.channel();
        if (link.dialling == ctx.channel()) {
            // the quickest answer: a dial that straddled a cut (or waited for ARP) took longer than the round trip
            long took = Math.max(0, sink.now() - link.diallingSince);
            long quickest = link.connectMillis;
            link.connectMillis = quickest < 0 ? took : Math.min(quickest, took);
            link.slowDials = 0;
            link.dialling = null;
        }
        up();
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
        if (link.dialling == ctx.channel()) {
            link.dialling = null;
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
        up();
        if (o.type() == FrameType.HEARTBEAT && o.madeAt() < upSince - sink.heartbeatMillis()) {
            outdated++;
            if (outdated == 1) {
                LOG.info("peer link {}: a heartbeat made {} ms before the connection to {} was up is not sent (it"
                        + " describes this node as it was then; newer ones follow)", link, upSince - o.madeAt(),
                        Link.hostPort(link.remote));
            } else {
                LOG.debug("peer link {}: outdated heartbeat #{} on this connection not sent", link, outdated);
            }
            promise.setSuccess();
            return;
        }
        writeFrame(ctx, o, promise);
    }

    private void up() {
        if (upSince < 0) {
            upSince = sink.now();
        }
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
