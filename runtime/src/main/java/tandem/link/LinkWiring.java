package tandem.link;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.StartupSummaryLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.TandemException;

/**
 * A {@link PeerLink}'s Camel wiring: the CamelContext (its own, or the node's), the Netty event loop
 * groups and pipelines bound in its registry under the link's prefix, one camel-netty consumer route
 * per link listening for frames, the hello and watch timer routes, and one camel-netty producer per
 * link dialling the peer. Everything it adds to a given context it removes again at {@link #stop()},
 * and a context of its own it stops.
 */
final class LinkWiring {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);

    /** Makes the sender of a link from its camel-netty producer. */
    interface Senders {
        Sender make(Link link, Endpoint endpoint, AsyncProducer producer);
    }

    private final String prefix;
    private final CamelContext givenContext;
    private final List<Link> links;
    private final Optional<SSLContext> tls;
    private final long heartbeatMillis;
    private final long dialTimeoutMillis;

    private CamelContext camel;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private final List<String> beans = new ArrayList<>();
    private final List<Sender> made = new ArrayList<>();

    /**
     * @param prefix       names the link's threads, beans and routes
     * @param givenContext the context its routes live in, which must be started; null: one of its own
     */
    LinkWiring(String prefix, CamelContext givenContext, List<Link> links, Optional<SSLContext> tls,
            long heartbeatMillis, long dialTimeoutMillis) {
        this.prefix = prefix;
        this.givenContext = givenContext;
        this.links = links;
        this.tls = tls;
        this.heartbeatMillis = heartbeatMillis;
        this.dialTimeoutMillis = dialTimeoutMillis;
    }

    /**
     * Binds the listen ports, with frames going to {@code receiver}, and makes each link's sender; the
     * timers are not started yet ({@link #startTimers()}).
     *
     * @return the senders, in the order of the links
     * @throws PortInUseException when a listen port is taken (MS-11)
     * @throws TandemException    when a listen address cannot be bound for another reason
     */
    List<Sender> start(Receiver receiver, FrameEncoder.Sink sink, Runnable hello, Runnable watch, Senders senders) {
        if (givenContext == null) {
            DefaultCamelContext own = new DefaultCamelContext();
            own.getCamelContextExtension().setName(prefix + "camel");
            // a private context: keep it out of JMX, where the node's main context is what operators see
            own.disableJMX();
            own.setStartupSummaryLevel(StartupSummaryLevel.Off);
            own.getShutdownStrategy().setTimeout(5);
            own.getShutdownStrategy().setLogInflightExchangesOnTimeout(false);
            own.start();
            camel = own;
        } else {
            if (!givenContext.isStarted()) {
                throw new IllegalStateException("the CamelContext must be started before the peer link");
            }
            camel = givenContext;
        }
        boss = new NioEventLoopGroup(1, new DefaultThreadFactory(prefix + "accept", true));
        workers = new NioEventLoopGroup(2, new DefaultThreadFactory(prefix + "io", true));
        bind("boss", boss);
        bind("workers", workers);
        List<String> servers = new ArrayList<>();
        for (Link link : links) {
            servers.add(bind(link.name + "-server", new Pipelines.Server(link, receiver, tls)));
        }
        try {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    for (int i = 0; i < links.size(); i++) {
                        Link link = links.get(i);
                        from(consumerUri(link, servers.get(i))).routeId(idOf(link.name + "-in")).autoStartup(false)
                                .process(ex -> receiver.frame(link, ex.getIn().getBody(InboundFrame.class)));
                    }
                    from("timer:" + prefix + "hello?delay=" + Protocol.HELLO_INTERVAL.toMillis() + "&period="
                            + Protocol.HELLO_INTERVAL.toMillis()).routeId(idOf("hello")).autoStartup(false)
                            .process(ex -> hello.run());
                    from("timer:" + prefix + "watch?delay=" + heartbeatMillis + "&period=" + heartbeatMillis)
                            .routeId(idOf("watch")).autoStartup(false)
                            .process(ex -> watch.run());
                }
            });
        } catch (Exception e) {
            throw new TandemException("peer link: cannot build its routes: " + e.getMessage(), e);
        }
        for (Link link : links) {
            try {
                camel.getRouteController().startRoute(idOf(link.name + "-in"));
            } catch (Exception e) {
                throw bindFailure(link, e);
            }
        }
        for (Link link : links) {
            String client = bind(link.name + "-client", new Pipelines.Client(link, sink, tls));
            Endpoint endpoint = camel.getEndpoint(producerUri(link, client));
            try {
                AsyncProducer producer = endpoint.createAsyncProducer();
                made.add(senders.make(link, endpoint, producer));
                ServiceHelper.startService(producer);
            } catch (Exception e) {
                throw new TandemException("peer link " + link.name + ": cannot create its sender: " + e.getMessage(), e);
            }
        }
        return List.copyOf(made);
    }

    /** Starts the hello and watch timers. */
    void startTimers() {
        try {
            camel.getRouteController().startRoute(idOf("hello"));
            camel.getRouteController().startRoute(idOf("watch"));
        } catch (Exception e) {
            throw new TandemException("peer link: cannot start its timers: " + e.getMessage(), e);
        }
    }

    /** Stops the routes and producers and removes what it added; also after a {@link #start} that failed. */
    void stop() {
        if (camel != null) {
            for (String id : routeIds()) {
                try {
                    camel.getRouteController().stopRoute(id);
                    if (givenContext != null) {
                        camel.removeRoute(id);
                    }
                } catch (Exception e) {
                    LOG.debug("peer link: stopping route {}: {}", id, e.toString());
                }
            }
        }
        for (Sender s : made) {
            ServiceHelper.stopAndShutdownService(s.producer);
            if (givenContext != null) {
                try {
                    camel.removeEndpoint(s.endpoint);
                } catch (Exception e) {
                    LOG.debug("peer link: removing endpoint {}: {}", s.endpoint, e.toString());
                }
            }
        }
        made.clear();
        if (camel != null) {
            if (givenContext == null) {
                camel.stop();
            } else {
                beans.forEach(camel.getRegistry()::unbind);
            }
        }
        beans.clear();
        for (EventLoopGroup g : new EventLoopGroup[] {workers, boss}) {
            if (g != null) {
                g.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    private List<String> routeIds() {
        List<String> ids = new ArrayList<>();
        ids.add(idOf("hello"));
        ids.add(idOf("watch"));
        links.forEach(k -> ids.add(idOf(k.name + "-in")));
        return ids.stream().filter(id -> camel.getRoute(id) != null).toList();
    }

    private String consumerUri(Link link, String server) {
        return "netty:tcp://" + Link.hostPort(link.listen) + "?sync=false&allowDefaultCodec=false"
                + "&serverInitializerFactory=#" + server + "&bossGroup=#" + prefix + "boss"
                + "&workerGroup=#" + prefix + "workers";
    }

    private String producerUri(Link link, String client) {
        // one shared connection per link (producerPoolEnabled=false), opened on the first send and
        // reopened by the first send after it closed; a connect attempt may take at most this long
        long connectTimeout = dialTimeoutMillis;
        return "netty:tcp://" + Link.hostPort(link.remote) + "?sync=false&allowDefaultCodec=false"
                + "&producerPoolEnabled=false&lazyChannelCreation=true&connectTimeout=" + connectTimeout
                + "&clientInitializerFactory=#" + client + "&workerGroup=#" + prefix + "workers";
    }

    private String idOf(String what) {
        return prefix + what;
    }

    private String bind(String what, Object bean) {
        String name = prefix + what;
        camel.getRegistry().bind(name, bean);
        beans.add(name);
        return name;
    }

    private RuntimeException bindFailure(Link link, Exception e) {
        String setting = link.name.equals(Protocol.MAIN)
                ? "listen.port " + link.listen.port()
                : "listen.port + 1 = " + link.listen.port() + " (the second link's port)";
        for (Throwable t = e; t != null; t = t.getCause()) {
            String msg = String.valueOf(t.getMessage());
            if (t instanceof BindException || msg.contains("Address already in use")) {
                if (msg.contains("already in use")) {
                    String holder = PortHolder.describe(link.listen.port()).map(h -> " (" + h + ")").orElse("");
                    return new PortInUseException(setting + " on " + link.listen.address() + " is already in use"
                            + holder, link.listen.address(), link.listen.port(), e);
                }
                return new TandemException("cannot listen on " + Link.hostPort(link.listen) + " (" + setting + "): "
                        + msg, e);
            }
        }
        return new TandemException("peer link " + link.name + ": cannot listen on " + Link.hostPort(link.listen)
                + ": " + e.getMessage(), e);
    }
}
