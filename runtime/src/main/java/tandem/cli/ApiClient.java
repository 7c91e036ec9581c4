package tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tandem.TandemException;
import tandem.config.NodeConfig;
import tandem.node.ApiAuth;

/**
 * Talks to a running node's HTTP API: each request carries a command-line token made from the cluster
 * secret of the configuration given ({@link ApiAuth#mint}), valid for a minute and once.
 */
final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Reply(int code, JsonNode body) {
    }

    private final String base;
    private final tandem.config.Secret secret;
    private final HttpClient http;

    /**
     * The API of the node this configuration describes; over HTTPS ({@code console.protocol}) trusting the
     * certificates of the console's keystore only: the site's, or the one the node made at its first start.
     */
    ApiClient(NodeConfig c) {
        this(local(c.console().address()), c.console().port(), c.cluster().secret(), trust(c));
    }

    /**
     * The API of this configuration's peer: the same token, {@code peer.console-port} or this node's console
     * port, and the same protocol and trust (a pair whose consoles use HTTPS shares one keystore).
     */
    static ApiClient peer(NodeConfig c) {
        return new ApiClient(c.peer().address(), c.peer().consolePort().orElse(c.console().port()), c.cluster().secret(),
                trust(c));
    }

    private static javax.net.ssl.SSLContext trust(NodeConfig c) {
        return tandem.node.ConsoleTls.of(c, false).map(tandem.node.ConsoleTls::clientContext).orElse(null);
    }

    private ApiClient(String host, int port, tandem.config.Secret secret, javax.net.ssl.SSLContext tls) {
        this.base = (tls == null ? "http://" : "https://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port
                + "/api/";
        this.secret = secret;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
    }

    private static String local(String host) {
        return host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    }

    String base() {
        return base;
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), Duration.ofSeconds(15));
    }

    /**
     * A command waits for its answer: the rules answer within seconds, but a reload first tests the new
     * set against every scenario of the profile, which takes longer on a busy machine.
     */
    Reply post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), Duration.ofMinutes(5));
    }

    private Reply send(HttpRequest.Builder b, Duration timeout) {
        String token = ApiAuth.mint(secret, System.getProperty("user.name"), System.currentTimeMillis());
        HttpRequest req = b.header("Authorization", "Bearer " + token).timeout(timeout).build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = JSON.readTree(r.body());
            } catch (IOException e) {
                body = JSON.getNodeFactory().objectNode().put("error", r.body());
            }
            return new Reply(r.statusCode(), body);
        } catch (IOException e) {
            throw new TandemException("no node answers at " + base + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); is `tandem run` running with this config?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TandemException("interrupted");
        }
    }
}
