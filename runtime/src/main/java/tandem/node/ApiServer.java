package tandem.node;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.component.netty.NettyConsumer;
import org.apache.camel.component.netty.ServerInitializerFactory;
import org.apache.camel.component.netty.http.HttpServerInitializerFactory;
import org.apache.camel.component.netty.http.NettyHttpConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.config.Console;

/**
 * camel-netty-http's HTTP pipeline for the node's API, with the limits the component has no option
 * for (the routes name it as {@code serverInitializerFactory=#tandem-api-server}):
 * <ul>
 *   <li>a request must arrive whole within {@code console.read-timeout} of its first byte (of the
 *       connection, for the first one), so a client that sends half a request is closed;</li>
 *   <li>a kept-alive connection with no request for {@code console.idle-timeout} is closed;</li>
 *   <li>at most {@code console.max-connections} connections are open at once; one more is closed as
 *       soon as it is accepted.</li>
 * </ul>
 * While the node works on a request no timer runs: that time is the node's, not the client's.
 */
public final class ApiServer extends HttpServerInitializerFactory {
    /** The bean name the API routes use. */
    public static final String BEAN = "tandem-api-server";
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final Limits limits;
    /** The console's HTTPS ({@link ConsoleTls}), or null for plain HTTP. */
    private final javax.net.ssl.SSLContext tls;

    /** The shared limits of one node's API: every pipeline of its port counts against the same cap. */
    private record Limits(long readTimeoutMs, long idleTimeoutMs, int maxConnections, AtomicInteger open,
                          AtomicInteger refused) {
    }

    public ApiServer(Console console) {
        this(console, null);
    }

    /** @param tls the console's HTTPS, null for plain HTTP */
    public ApiServer(Console console, javax.net.ssl.SSLContext tls) {
        this(new Limits(console.readTimeout().toMillis(), console.idleTimeout().toMillis(), console.maxConnections(),
                new AtomicInteger(), new AtomicInteger()), tls);
    }

    private ApiServer(Limits limits, javax.net.ssl.SSLContext tls) {
        this.limits = limits;
        this.tls = tls;
    }

    private ApiServer(Limits limits, javax.net.ssl.SSLContext tls, NettyHttpConsumer consumer) {
        super(consumer);
        this.limits = limits;
        this.tls = tls;
    }

    @Override
    public ServerInitializerFactory createPipelineFactory(NettyConsumer consumer) {
        return new ApiServer(limits, tls, (NettyHttpConsumer) consumer);
    }

    /** Whether the port speaks HTTPS. */
    public boolean https() {
        return tls != null;
    }

    /** Connections open now. */
    public int openConnections() {
        return limits.open().get();
    }

    @Override
    protected void initChannel(Channel ch) throws Exception {
        super.initChannel(ch);
        Connection c = new Connection(limits);
        if (tls != null) {
            javax.net.ssl.SSLEngine engine = tls.createSSLEngine();
            engine.setUseClientMode(false);
            // the TLS handshake is part of reading the first request: a client that stalls in it is closed too
            ch.pipeline().addFirst("tls", new io.netty.handler.ssl.SslHandler(engine));
        }
        ch.pipeline().addFirst("api-limits", c.start);
        // after the aggregator a whole request has arrived; the response passes here on its way out
        ch.pipeline().addAfter("aggregator", "api-request", c.end);
    }

    /** One connection's timers: reading a request, idle between requests, or none while it is served. */
    private static final class Connection {
        private final Limits limits;
        private ScheduledFuture<?> timer;
        private boolean reading;
        private boolean serving;

        Connection(Limits limits) {
            this.limits = limits;
        }

        private void arm(ChannelHandlerContext ctx, long ms, String what) {
            cancel();
            timer = ctx.executor().schedule(() -> {
                LOG.debug("API connection from {} closed: {}", ctx.channel().remoteAddress(), what);
                ctx.close();
            }, ms, TimeUnit.MILLISECONDS);
        }

        private void cancel() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }

        /** First in the pipeline: counts the connection and sees the first byte of each request. */
        final ChannelDuplexHandler start = new ChannelDuplexHandler() {
            private boolean counted;

            @Override
            public void channelActive(ChannelHandlerContext ctx) throws Exception {
                counted = true;
                int open = limits.open().incrementAndGet();
                if (open > limits.maxConnections()) {
                    if (limits.refused().getAndIncrement() % 100 == 0) {
                        LOG.warn("API: {} connections open, the most console.max-connections allows is {}; closing"
                                + " the one from {} (logged once per 100 such)", open - 1, limits.maxConnections(),
                                ctx.channel().remoteAddress());
                    }
                    ctx.close();
                    return;
                }
                reading = true;
                arm(ctx, limits.readTimeoutMs(), "no whole request within console.read-timeout");
                super.channelActive(ctx);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                if (!reading && !serving) {
                    reading = true;
                    arm(ctx, limits.readTimeoutMs(), "no whole request within console.read-timeout");
                }
                super.channelRead(ctx, msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                cancel();
                if (counted) {
                    counted = false;
                    limits.open().decrementAndGet();
                }
                super.channelInactive(ctx);
            }
        };

        /** After the aggregator: a whole request is in; the last part of its response goes out. */
        final ChannelDuplexHandler end = new ChannelDuplexHandler() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                if (msg instanceof FullHttpRequest) {
                    reading = false;
                    serving = true;
                    cancel();
                }
                super.channelRead(ctx, msg);
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
                if (msg instanceof LastHttpContent) {
                    promise.addListener(f -> {
                        if (serving && ctx.channel().isActive()) {
                            serving = false;
                            arm(ctx, limits.idleTimeoutMs(), "idle for console.idle-timeout");
                        }
                    });
                }
                super.write(ctx, msg, promise);
            }
        };
    }

    @Override
    public String toString() {
        return "API pipeline (read timeout " + limits.readTimeoutMs() + " ms, idle timeout " + limits.idleTimeoutMs()
                + " ms, at most " + limits.maxConnections() + " connections)";
    }
}
