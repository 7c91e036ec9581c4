package tandem.node;

import java.util.HashMap;
import java.util.Map;
import org.apache.camel.component.netty.ServerInitializerFactory;
import org.apache.camel.component.netty.http.HttpServerBootstrapFactory;
import org.apache.camel.component.netty.http.NettyHttpComponent;
import org.apache.camel.component.netty.http.NettyHttpConsumer;

/**
 * camel-netty-http as the routes know it ({@code netty-http:}), except that a consumer's
 * {@code serverInitializerFactory} is honoured: the stock component builds every HTTP server pipeline
 * itself and ignores that option, so the API's limits ({@link ApiServer}) could not be plugged in.
 * Endpoints without the option get the stock server. Bound in the routes' registry as
 * {@code netty-http}, where Camel looks for a component before its own.
 */
public final class ApiHttpComponent extends NettyHttpComponent {
    /** Our servers by address ({@code host:port}), as the stock component keeps its own. */
    private final Map<String, HttpServerBootstrapFactory> servers = new HashMap<>();

    @Override
    protected HttpServerBootstrapFactory getOrCreateHttpNettyServerBootstrapFactory(NettyHttpConsumer consumer) {
        ServerInitializerFactory pipeline = consumer.getConfiguration().getServerInitializerFactory();
        if (pipeline == null) {
            return super.getOrCreateHttpNettyServerBootstrapFactory(consumer);
        }
        synchronized (servers) {
            return servers.computeIfAbsent(consumer.getConfiguration().getAddress(), address -> {
                HttpServerBootstrapFactory server = new HttpServerBootstrapFactory(
                        getMultiplexChannelHandler(consumer.getConfiguration().getPort()));
                server.init(getCamelContext(), consumer.getConfiguration(), pipeline.createPipelineFactory(consumer));
                return server;
            });
        }
    }

    @Override
    protected void doStop() throws Exception {
        synchronized (servers) {
            servers.clear();
        }
        super.doStop();
    }
}
