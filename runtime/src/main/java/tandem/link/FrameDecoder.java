package tandem.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.SocketAddress;
import java.util.List;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.config.Durations;

/**
 * Cuts the inbound byte stream of one connection into frames at their 4-byte big-endian length
 * prefix. A prefix above {@link Protocol#MAX_FRAME} closes the connection before anything is
 * allocated for it (the stream cannot be resynchronised after a bad length); a connection that
 * ends inside a frame counts the frame as truncated. It also ends the connection's errors and
 * idleness quietly, so camel-netty's consumer does not log every peer restart as a warning.
 */
final class FrameDecoder extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);

    private final Link link;
    private final Receiver receiver;
    private boolean discarding;

    FrameDecoder(Link link, Receiver receiver) {
        this.link = link;
        this.receiver = receiver;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        link.inbound.add(ctx.channel());
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        link.inbound.remove(ctx.channel());
        super.channelInactive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (discarding) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < 4) {
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        if (length > Protocol.MAX_FRAME) {
            discarding = true;
            in.skipBytes(in.readableBytes());
            receiver.drop(link, remote(ctx), DropReason.OVERSIZED, "length prefix " + length + " exceeds "
                    + Protocol.MAX_FRAME + " bytes; closing the connection");
            ctx.close();
            return;
        }
        if (in.readableBytes() < 4 + length) {
            return;
        }
        in.skipBytes(4);
        byte[] bytes = new byte[(int) length];
        in.readBytes(bytes);
        out.add(new InboundFrame(bytes, remote(ctx)));
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        decode(ctx, in, out);
        if (!discarding && in.isReadable()) {
            int have = in.readableBytes();
            String detail = have < 4
                    ? "connection closed after " + have + " bytes of a length prefix"
                    : "connection closed after " + (have - 4) + " of " + in.getUnsignedInt(in.readerIndex()) + " bytes";
            in.skipBytes(have);
            receiver.drop(link, remote(ctx), DropReason.TRUNCATED, detail);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            LOG.info("peer link {}: closing connection from {}: nothing received for {}", link, remote(ctx),
                    Durations.format(Protocol.HELLO_INTERVAL.multipliedBy(3)));
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof NotSslRecordException) {
            // its message is a hex dump of the whole record
            receiver.drop(link, remote(ctx), DropReason.TLS, "not a TLS record (is the peer's link plain TCP?)");
        } else if (root instanceof SSLException) {
            receiver.drop(link, remote(ctx), DropReason.TLS, "TLS failed: " + root.getMessage());
        } else {
            LOG.debug("peer link {}: connection from {} failed: {}", link, remote(ctx), root.toString());
        }
        ctx.close();
    }

    static String remote(ChannelHandlerContext ctx) {
        SocketAddress a = ctx.channel().remoteAddress();
        return a == null ? "unknown address" : a.toString();
    }
}
