package tandem.node;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import tandem.config.NodeConfig;

/**
 * The console's way to the peer's API, so that either node's console shows and operates both: a request
 * under {@code /api/peer/} is sent on to the same path under the peer's {@code /api/} with a command-line
 * token made from the cluster secret for the console's user ({@code ~<user>}, which the peer's
 * commands log names as its "peer's web console"). Over HTTPS the peer must present a certificate of this
 * node's console keystore ({@link ConsoleTls#clientContext}): with a self-made certificate on each node the
 * console shows the peer as the peer link reports it, and says why it cannot show more.
 */
final class ConsolePeer {
    /** The paths the console may reach on the peer, after {@code /api/peer/}. */
    private static final java.util.regex.Pattern PATHS =
            java.util.regex.Pattern.compile("status|command|commands/\\d{1,18}|logs");

    private final String base;
    private final tandem.config.Secret secret;
    private final HttpClient http;
    private final LongSupplier clock;

    ConsolePeer(NodeConfig c, SSLContext trust, LongSupplier clock) {
        String host = c.peer().address();
        int port = c.peer().consolePort().orElse(c.console().port());
        this.base = (trust != null ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port
                + "/api/";
        this.secret = c.cluster().secret();
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (trust != null) {
            b.sslContext(trust);
        }
        this.http = b.build();
        this.clock = clock;
    }

    /**
     * Sends the console's request on: {@code tail} is the path after {@code /api/peer/} with its query,
     * {@code body} the POST body (null for a GET). A GET may wait (an outcome's {@code wait}), so the time
     * allowed follows the request.
     */
    ApiBean.Response forward(String user, String method, String tail, String body) {
        String path = tail.replaceFirst("\\?.*$", "");
        if (!PATHS.matcher(path).matches()) {
            return ApiBean.error(404, "path: the peer's console API has /api/peer/status, /api/peer/command,"
                    + " /api/peer/commands/<ticket> and /api/peer/logs; got /api/peer/" + path);
        }
        boolean post = "POST".equals(method);
        if (post != path.equals("command")) {
            return ApiBean.error(405, "method: " + method + " is not how /api/peer/" + path + " is asked");
        }
        String token = ApiAuth.mint(secret, "~" + user, clock.getAsLong());
        URI uri;
        try {
            uri = URI.create(base + tail);
        } catch (IllegalArgumentException e) {
            return ApiBean.error(400, "query: cannot be sent on to the peer as it is (" + e.getMessage() + ")");
        }
        HttpRequest.Builder r = HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + token)
                .timeout(post || tail.contains("wait=") ? Duration.ofSeconds(30) : Duration.ofSeconds(4));
        if (post) {
            r.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
        } else {
            r.GET();
        }
        try {
            HttpResponse<String> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            return new ApiBean.Response(resp.statusCode(), resp.body());
        } catch (javax.net.ssl.SSLException e) {
            return ApiBean.error(502, "the peer's console at " + base + " presents a certificate this node does not"
                    + " trust (" + e.getMessage() + "): give both nodes the same console.keystore to see the peer here");
        } catch (IOException e) {
            return ApiBean.error(502, "the peer's console at " + base + " does not answer (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ApiBean.error(503, "the node is stopping");
        }
    }
}
