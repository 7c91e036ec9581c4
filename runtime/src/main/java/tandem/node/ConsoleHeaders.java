package tandem.node;

import org.apache.camel.component.netty.http.NettyHttpHeaderFilterStrategy;

/**
 * The console routes' header filter ({@code headerFilterStrategy=#tandem-console-headers}): netty-http's own,
 * except that a route's {@code Cache-Control} goes out. The stock filter drops it as a hop-by-hop header, so
 * the console's {@code Cache-Control: no-store} (its pages and answers are not to be kept in a browser's or
 * proxy's cache) never reached the browser.
 */
public final class ConsoleHeaders extends NettyHttpHeaderFilterStrategy {
    /** The bean name the console routes use. */
    public static final String BEAN = "tandem-console-headers";

    public ConsoleHeaders() {
        getOutFilter().remove("cache-control");
    }
}
