package tandem.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.config.NodeConfig;
import tandem.engine.EngineEvent;

/**
 * The {@code console} bean of the routes in {@code console.camel.yaml}: the web console (MS-8) on the API's
 * port. It serves the console's page and files, logs users in and out ({@link ConsoleSessions}), and answers
 * the console's own requests: a log's page ({@link LogPages}) and, for the other node's half of the page,
 * the peer's API ({@link ConsolePeer}). Everything the console does to the node goes through the same
 * {@code /api/command} as the command line, so the rules decide.
 */
public final class ConsoleBean {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleBean.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html",
            "/console", "index.html",
            "/console/", "index.html",
            "/console/index.html", "index.html",
            "/console/console.js", "console.js",
            "/console/console.css", "console.css");

    /** What the route turns into the HTTP response. */
    public record Reply(int code, String contentType, String body, String cookie) {
    }

    private final NodeConfig config;
    private final ApiBean api;
    private final ConsoleSessions sessions;
    private final LogPages logs;
    private final ConsolePeer peer;
    private final java.util.function.Consumer<EngineEvent> events;

    ConsoleBean(NodeConfig config, ApiBean api, ConsoleSessions sessions, LogPages logs, ConsolePeer peer,
            java.util.function.Consumer<EngineEvent> events) {
        this.config = config;
        this.api = api;
        this.sessions = sessions;
        this.logs = logs;
        this.peer = peer;
        this.events = events;
    }

    /** {@code GET /}, {@code /console.js}, {@code /console.css}: the console's files, the same for everyone. */
    public Reply file(String uri) {
        if (!config.console().enabled()) {
            return off();
        }
        String path = uri == null ? "/" : uri.replaceFirst("\\?.*$", "");
        String name = FILES.get(path);
        if (name == null) {
            return new Reply(404, "text/plain; charset=utf-8", "not found: " + path, null);
        }
        try (InputStream in = ConsoleBean.class.getResourceAsStream("/tandem/console/" + name)) {
            if (in == null) {
                return new Reply(500, "text/plain; charset=utf-8", "the console's " + name + " is missing from this build", null);
            }
            String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                    : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
            return new Reply(200, type, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), null);
        } catch (IOException e) {
            return new Reply(500, "text/plain; charset=utf-8", "cannot read the console's " + name + ": " + e.getMessage(), null);
        }
    }

    /**
     * {@code POST /api/login} {@code {"user": ..., "password": ...}}: a session cookie and the session's CSRF
     * token; 401 wrong, 429 too soon after a wrong one, 423 locked, 503 no password set, 400 a body of
     * another shape. Every refusal after a wrong password, and every lock, is in the commands log.
     */
    public Reply login(String body, Object remote) {
        if (!config.console().enabled()) {
            return off();
        }
        String user;
        char[] password;
        try {
            JsonNode n = JSON.readTree(body == null ? "" : body);
            if (n == null || !n.isObject() || !n.path("user").isTextual() || !n.path("password").isTextual()) {
                return json(ApiBean.error(400, "body: expected {\"user\": \"...\", \"password\": \"...\"}"), null);
            }
            user = n.get("user").asText();
            password = n.get("password").asText().toCharArray();
        } catch (IOException e) {
            return json(ApiBean.error(400, "body: not JSON"), null);
        }
        String from = remote == null ? "" : " from " + String.valueOf(remote).replaceFirst("^/", "");
        ConsoleSessions.Login l = sessions.login(user, password);
        String shown = user.replaceAll("[^A-Za-z0-9._@-]", "?");
        if (shown.length() > 40) {
            shown = shown.substring(0, 40) + "...";
        }
        if (!l.ok()) {
            if (l.code() != 503) {
                events.accept(EngineEvent.log(null, "console login of " + shown + from + " refused: " + l.reason()));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", l.reason());
            if (l.retryAfterMs() > 0) {
                m.put("retryAfterMs", l.retryAfterMs());
            }
            return new Reply(l.code(), "application/json", ApiBean.write(m), null);
        }
        events.accept(EngineEvent.log(null, "console login of " + shown + from));
        return new Reply(200, "application/json", ApiBean.write(sessionView(l.session())), sessions.setCookie(l.session()));
    }

    /** {@code POST /api/logout}: ends the session (with its CSRF token, so a foreign page cannot log one out). */
    public Reply logout(String cookie, String csrf) {
        var s = sessions.session(cookie);
        if (s.isPresent() && !ConsoleSessions.csrfMatches(s.get(), csrf)) {
            return json(ApiBean.error(403, "X-CSRF-Token: missing or not this session's; reload the console"), null);
        }
        sessions.logout(cookie);
        return new Reply(200, "application/json", "{\"loggedOut\":true}", sessions.clearCookie());
    }

    /** {@code GET /api/session}: who is logged in and the CSRF token (after a reload of the page); 401 if nobody. */
    public Reply session(String cookie) {
        return sessions.session(cookie)
                .map(s -> new Reply(200, "application/json", ApiBean.write(sessionView(s)), null))
                .orElseGet(() -> json(ApiBean.error(401, "not logged in"), null));
    }

    private Map<String, Object> sessionView(ConsoleSessions.Session s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", s.user());
        m.put("csrf", s.csrf());
        m.put("node", config.node().id());
        m.put("peer", config.peer().id());
        m.put("profile", config.node().profile().yamlName());
        // the node's Hawtio (console.hawtio-port), which the page links to, on the host the browser used
        config.console().hawtioPort().ifPresent(p -> m.put("hawtioPort", p));
        return m;
    }

    /** {@code GET /api/logs?log=NAME&page=N&q=TEXT}: a page of one of the node's logs, newest first. */
    public Reply logs(String authorization, String cookie, String log, String page, String query) {
        ApiBean.Caller who = api.caller(authorization, cookie, null, false);
        if (who.denied() != null) {
            return json(who.denied(), null);
        }
        int p;
        try {
            p = page == null || page.isEmpty() ? 0 : Integer.parseInt(page);
        } catch (NumberFormatException e) {
            return json(ApiBean.error(400, "page: a number from 0, got \"" + page + "\""), null);
        }
        try {
            return new Reply(200, "application/json", ApiBean.write(logs.page(log == null ? "commands" : log, p, query)), null);
        } catch (IllegalArgumentException e) {
            return json(ApiBean.error(400, e.getMessage()), null);
        }
    }

    /**
     * {@code GET|POST /api/peer/...}: the peer's API as this node's console sees it; a command on it needs the
     * session's CSRF token here, as one on this node does.
     */
    public Reply peer(String authorization, String cookie, String csrf, String method, String uri, String query,
            String body) {
        boolean post = "POST".equals(method);
        ApiBean.Caller who = api.caller(authorization, cookie, csrf, post);
        if (who.denied() != null) {
            return json(who.denied(), null);
        }
        String path = uri == null ? "" : uri.replaceFirst("\\?.*$", "");
        int at = path.indexOf("/api/peer/");
        if (at < 0) {
            return json(ApiBean.error(404, "path: expected /api/peer/<status|command|commands/N|logs>"), null);
        }
        String user = who.user().replaceFirst("^(console|cli):", "");
        if (post) {
            LOG.info("{}: console: {} sends a command to {}: {}", config.node().id(), user, config.peer().id(), body);
        }
        String tail = path.substring(at + "/api/peer/".length());
        return json(peer.forward(user, method, query == null || query.isEmpty() ? tail : tail + "?" + query, body), null);
    }

    /**
     * {@code console.enabled: false}: no pages and no logins (so no sessions); the API still answers the
     * command line and API tokens.
     */
    private Reply off() {
        return new Reply(404, "text/plain; charset=utf-8", "the web console of " + config.node().id() + " is off"
                + " (console.enabled: false in " + config.file() + "); the API answers tokens only", null);
    }

    private static Reply json(ApiBean.Response r, String cookie) {
        return new Reply(r.code(), "application/json", r.json(), cookie);
    }
}
