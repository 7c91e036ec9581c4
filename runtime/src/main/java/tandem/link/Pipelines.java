package tandem.link;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.camel.component.netty.ClientInitializerFactory;
import org.apache.camel.component.netty.NettyConsumer;
import org.apache.camel.component.netty.NettyProducer;
import org.apache.camel.component.netty.ServerInitializerFactory;
import org.apache.camel.component.netty.handlers.ClientChannelHandler;
import org.apache.camel.component.netty.handlers.ServerChannelHandler;

/**
 * The Netty pipelines of the peer link, plugged into camel-netty through its
 * {@code serverInitializerFactory} / {@code clientInitializerFactory} options. camel-netty's own
 * codecs and SSL options are not used: its SSL takes a keystore or Camel's SSLContextParameters,
 * not a ready {@link SSLContext}, and its {@code sslHandler} option shares one handler between
 * connections. Each pipeline ends with camel-netty's handler, which turns frames into exchanges
 * (server) or completes the producer's exchanges (client).
 */
final class Pipelines {
    private Pipelines() {
    }

    /** Listener side: [tls] idle-check, frame cutter, camel consumer. */
    static final class Server extends ServerInitializerFactory {
        private final Link link;
        private final Receiver receiver;
        private final Optional<SSLContext> tls;
        private final NettyConsumer consumer;

        Server(Link link, Receiver receiver, Optional<SSLContext> tls) {
            this(link, receiver, tls, null);
        }

        private Server(Link link, Receiver receiver, Optional<SSLContext> tls, NettyConsumer consumer) {
            this.link = link;
            this.receiver = receiver;
            this.tls = tls;
            this.consumer = consumer;
        }

        @Override
        public ServerInitializerFactory createPipelineFactory(NettyConsumer c) {
            return new Server(link, receiver, tls, c);
        }

        @Override
        protected void initChannel(Channel ch) {
            ChannelPipeline p = ch.pipeline();
            tls.ifPresent(ctx -> p.addLast("ssl", TlsHandlers.server(ctx)));
            // a connection that sends nothing, not even the HELLO every 30 s, is closed
            p.addLast("idle", new IdleStateHandler(Protocol.HELLO_INTERVAL.toSeconds() * 3, 0, 0, TimeUnit.SECONDS));
            p.addLast("frames", new FrameDecoder(link, receiver));
            p.addLast("handler", new ServerChannelHandler(consumer));
        }
    }

    /** Dialling side: [tls] frame signer, camel producer. */
    static final class Client extends ClientInitializerFactory {
        private final Link link;
        private final FrameEncoder.Sink sink;
        private final Optional<SSLContext> tls;
        private final NettyProducer producer;

        Client(Link link, FrameEncoder.Sink sink, Optional<SSLContext> tls) {
            this(link, sink, tls, null);
        }

        private Client(Link link, FrameEncoder.Sink sink, Optional<SSLContext> tls, NettyProducer producer) {
            this.link = link;
            this.sink = sink;
            this.tls = tls;
            this.producer = producer;
        }

        @Override
        public ClientInitializerFactory createPipelineFactory(NettyProducer p) {
            return new Client(link, sink, tls, p);
        }

        @Override
        protected void initChannel(Channel ch) {
            ChannelPipeline p = ch.pipeline();
            tls.ifPresent(ctx -> p.addLast("ssl", TlsHandlers.client(ctx, link.remote.address(), link.remote.port())));
            p.addLast("frames", new FrameEncoder(link, sink));
            p.addLast("handler", new ClientChannelHandler(producer));
        }
    }
}
