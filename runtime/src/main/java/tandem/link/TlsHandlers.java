package tandem.link;

import io.netty.handler.ssl.SslHandler;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/** The TLS handlers of the node-to-node connections (peer link, sync channel): mutual, one per connection. */
public final class TlsHandlers {
    private TlsHandlers() {
    }

    /** Listening side: both nodes hold the site's key, so the peer proves itself before any frame is read. */
    public static SslHandler server(SSLContext ctx) {
        SSLEngine engine = ctx.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setNeedClientAuth(true);
        return new SslHandler(engine);
    }

    /** Dialling side, towards {@code host:port}. */
    public static SslHandler client(SSLContext ctx, String host, int port) {
        SSLEngine engine = ctx.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        return new SslHandler(engine);
    }
}
