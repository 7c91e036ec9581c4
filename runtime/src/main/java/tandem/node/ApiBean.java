package tandem.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tandem.config.NodeConfig;
import tandem.engine.CycleOutcome.CommandAnswer;
import tandem.engine.EngineLoop;
import tandem.engine.NodeStatus;

/**
 * The {@code api} bean of the routes {@code api-status} and {@code api-command}: the node's HTTP API
 * under {@code /api/}, which {@code tandem status}, {@code tandem command} and the web console use.
 * Every request carries {@code Authorization: Bearer <token>}, a user's token or a command-line token
 * ({@link ApiAuth}), or the session cookie of a console login ({@link ConsoleSessions}); a state-changing
 * request on a session carries its CSRF token in {@code X-CSRF-Token} as well.
 */
public final class ApiBean {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the route turns into the HTTP response. */
    public record Response(int code, String json) {
    }

    private final NodeConfig config;
    /** The Netty pipeline of the API's port, with its timeouts and connection cap (console.*). */
    private final ApiServer server;
    private final EngineLoop loop;
    private final EventLog events;
    private final java.util.function.Supplier<Map<String, Object>> replication;
    private final java.util.function.Supplier<Map<String, Object>> configView;
    private final CommandRoutes commands;
    private final java.util.function.Supplier<Map<String, Object>> redundancy;
    private final ApiAuth auth;
    private final ConsoleSessions sessions;
    private final Metrics metrics;

    /**
     * @param commands   where a command goes: its route
     * @param configView what {@link ConfigWatch} says about changes of the configuration file
     * @param redundancy the redundancy profile's backups: the active's last transfer and next run, the
     *                   standby's last import and data age (empty on other profiles)
     */
    public ApiBean(NodeConfig config, EngineLoop loop, EventLog events, CommandRoutes commands,
            java.util.function.Supplier<Map<String, Object>> replication,
            java.util.function.Supplier<Map<String, Object>> configView,
            java.util.function.Supplier<Map<String, Object>> redundancy, Metrics metrics, ConsoleSessions sessions,
            javax.net.ssl.SSLContext tls) {
        this.metrics = metrics;
        this.sessions = sessions;
        this.redundancy = redundancy;
        this.configView = configView;
        this.commands = commands;
        this.config = config;
        this.server = new ApiServer(config.console(), tls);
        this.loop = loop;
        this.events = events;
        this.replication = replication;
        this.auth = new ApiAuth(config.cluster().secret(), new ApiTokens(config.node().stateDir()),
                System::currentTimeMillis);
    }

    /** {@code GET /api/status}: this node, its peer as last heard, its resources and its last events. */
    public Response status(String authorization) {
        return status(authorization, null);
    }

    /** As {@link #status(String)}, for a console session's {@code Cookie} as well. */
    public Response status(String authorization, String cookie) {
        Caller who = caller(authorization, cookie, null, false);
        if (who.denied() != null) {
            return who.denied();
        }
        NodeStatus st = loop.current();
        if (st == null) {
            return error(503, "the node is starting, or resuming after its engine did not run");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("id", st.nodeId());
        node.put("profile", config.node().profile().yamlName());
        node.put("state", st.state().name());
        if (config.node().profile() == tandem.config.Profile.SBS) {
            // SBS-9: the manual's words
            node.put("role", switch (st.state()) {
                case STOP -> "stopped";
                case PRIM, ALONE -> "primary";
                case SECOND -> "secondary";
                case WAIT -> "starting";
            });
        }
        config.redundancy().ifPresent(r -> node.put("role", switch (st.state()) {
            // the redundancy manual's words: a standby serving in the active's place has switched
            case STOP -> "stopped";
            case WAIT -> "starting";
            case SECOND -> "standby";
            case PRIM, ALONE -> r.active() ? "active" : "switched";
        }));
        node.put("data", st.data().label());
        node.put("generation", st.generation());
        node.put("services", st.activity().name().toLowerCase(java.util.Locale.ROOT));
        node.put("since", Instant.ofEpochMilli(st.since()).toString());
        // rules the loop guard suspended (rules.loop-guard): empty on a sane rule set
        node.put("suspendedRules", st.suspended());
        m.put("node", node);
        Map<String, Object> peer = new LinkedHashMap<>();
        peer.put("id", config.peer().id());
        peer.put("address", config.peer().address() + ":" + config.peer().port());
        if (st.peer() != null) {
            peer.put("state", st.peer().state().name());
            peer.put("data", st.peer().data().label());
            peer.put("generation", st.peer().generation());
            peer.put("holding", st.peer().holding());
            peer.put("lastHeard", Instant.ofEpochMilli(st.peer().lastHeardAt()).toString());
        } else {
            peer.put("state", null);
        }
        peer.put("mismatch", st.mismatch());
        m.put("peer", peer);
        List<Map<String, Object>> res = new ArrayList<>();
        for (NodeStatus.ResourceView r : st.resources()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("resource", r.resource());
            x.put("status", r.status());
            x.put("critical", r.critical());
            x.put("detail", r.detail());
            x.put("lastChange", r.lastChange() < 0 ? null : Instant.ofEpochMilli(r.lastChange()).toString());
            x.put("lastCheck", r.lastCheck() < 0 ? null : Instant.ofEpochMilli(r.lastCheck()).toString());
            res.add(x);
        }
        m.put("resources", res);
        m.put("replication", replication.get());
        config.redundancy().ifPresent(r -> {
            Map<String, Object> red = new LinkedHashMap<>();
            red.put("role", r.role().yamlName());
            // RED-11: what an operator moves by hand before a switchover, shown before it is asked for
            r.switchover().ifPresent(sw -> red.put("checklist", sw.checklist()));
            // RED-1: the active's last transfer and next run, the standby's last import and data age
            red.putAll(redundancy.get());
            m.put("redundancy", red);
        });
        m.put("config", configView.get());
        // the commands this node's routes offer, with what each does (the console's buttons and confirmations)
        List<Map<String, Object>> cmds = new ArrayList<>();
        commands.described().forEach((name, what) -> cmds.add(Map.of("name", name, "description", what)));
        m.put("commands", cmds);
        List<Map<String, Object>> ev = new ArrayList<>();
        for (EventLog.Entry e : events.recent()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("at", e.at().toString());
            x.put("kind", e.event().kind());
            x.put("text", e.text());
            ev.add(x);
        }
        m.put("events", ev);
        return ok(m);
    }

    /**
     * {@code POST /api/command} with {@code {"name": "stop"}}, or with arguments
     * {@code {"name": "standby-import", "args": {"file": "/var/backup/full.tar", "confirm": "true"}}}: the
     * command's route's answer, 200 accepted, 409 refused; 404 when the node has no such command (the
     * reason names the ones it has); 400 for a body not of this shape, naming the field.
     */
    public Response command(String authorization, String body) {
        return command(authorization, body, null);
    }

    /**
     * As {@link #command(String, String)}, from the client at {@code remote} (the route's
     * {@code CamelNettyRemoteAddress}): the commands log names who asked, through which door, from where.
     */
    public Response command(String authorization, String body, Object remote) {
        return command(authorization, null, null, body, remote);
    }

    /** As {@link #command(String, String, Object)}, for a console session's cookie and CSRF token as well. */
    public Response command(String authorization, String cookie, String csrf, String body, Object remote) {
        Caller who = caller(authorization, cookie, csrf, true);
        if (who.denied() != null) {
            return who.denied();
        }
        String caller = who.user();
        String name;
        Map<String, String> args = new LinkedHashMap<>();
        try {
            JsonNode n = JSON.readTree(body == null ? "" : body);
            if (n == null || !n.isObject() || !n.path("name").isTextual()) {
                return error(400, "body: expected {\"name\": \"<command>\"}, one of " + String.join(", ", commands.known()));
            }
            name = n.get("name").asText();
            JsonNode a = n.get("args");
            if (a != null && !a.isNull()) {
                if (!a.isObject()) {
                    return error(400, "args: expected an object of argument name to string value,"
                            + " e.g. {\"file\": \"/var/backup/full.tar\", \"confirm\": \"true\"}");
                }
                for (var it = a.fields(); it.hasNext(); ) {
                    var e = it.next();
                    if (!e.getValue().isTextual()) {
                        return error(400, "args." + e.getKey() + ": the value must be a string (a flag is \"true\"),"
                                + " got " + e.getValue().getNodeType().name().toLowerCase(java.util.Locale.ROOT));
                    }
                    args.put(e.getKey(), e.getValue().asText());
                }
            }
            List<String> problems = tandem.facts.CommandArgs.problems(args);
            if (!problems.isEmpty()) {
                return error(400, "args: " + String.join("; ", problems));
            }
            List<String> extra = new ArrayList<>();
            n.fieldNames().forEachRemaining(f -> {
                if (!f.equals("name") && !f.equals("args")) {
                    extra.add(f);
                }
            });
            if (!extra.isEmpty()) {
                return error(400, extra.get(0) + ": unknown field; a command's body has \"name\" and \"args\"");
            }
        } catch (JsonProcessingException e) {
            return error(400, "body: not JSON: " + e.getOriginalMessage());
        }
        events.accept(tandem.engine.EngineEvent.log(null, "command " + name + " asked through the "
                + door(caller)
                + (remote == null ? "" : " from " + String.valueOf(remote).replaceFirst("^/", ""))));
        CommandAnswer a = commands.answer(name, "api", args);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", a.command());
        m.put("accepted", a.accepted());
        m.put("reason", a.reason());
        m.put("rule", a.rule());
        if (a.ticket() > 0) {
            // what became of it: GET /api/commands/<ticket>
            m.put("ticket", a.ticket());
            m.put("actions", a.actions());
            loop.tickets().outcome(a.ticket()).ifPresent(o -> m.put("outcome", o.status()));
        }
        return new Response(a.accepted() ? 200 : commands.offers(name) ? 409 : 404, write(m));
    }

    /**
     * {@code GET /metrics}: the node's metrics in Prometheus' text format ({@link Metrics}), for a scraper
     * with a user's token ({@code tandem token create prometheus}; Prometheus sends it with
     * {@code authorization: {credentials: ...}}).
     */
    public Response metrics(String authorization) {
        Caller who = caller(authorization, null, null, false);
        if (who.denied() != null) {
            return who.denied();
        }
        return new Response(200, metrics.scrape());
    }

    /** The longest {@code wait} {@link #outcome} takes: a request does not hold a connection longer. */
    public static final int MAX_WAIT_S = 10;

    /**
     * {@code GET /api/commands/<ticket>[?wait=SECONDS]}: what became of an accepted command, its status
     * ({@code running}, {@code done}, {@code failed}) and each of its actions with its result's words;
     * with {@code wait}, answered when it ends or after that many seconds (at most {@value #MAX_WAIT_S}),
     * whichever comes first. 404 for a ticket this node did not give out (or no longer keeps).
     */
    public Response outcome(String authorization, String uri, String wait) {
        return outcome(authorization, null, uri, wait);
    }

    /** As {@link #outcome(String, String, String)}, for a console session's cookie as well. */
    public Response outcome(String authorization, String cookie, String uri, String wait) {
        Caller who = caller(authorization, cookie, null, false);
        if (who.denied() != null) {
            return who.denied();
        }
        String path = uri == null ? "" : uri.replaceFirst("\\?.*$", "");
        String tail = path.substring(path.lastIndexOf('/') + 1);
        long id;
        try {
            id = Long.parseLong(tail);
        } catch (NumberFormatException e) {
            return error(400, "path: expected /api/commands/<ticket>, the number POST /api/command answered with;"
                    + " got \"" + path + "\"");
        }
        long waitMs = 0;
        if (wait != null && !wait.isEmpty()) {
            try {
                double w = Double.parseDouble(wait);
                if (!(w >= 0 && w <= MAX_WAIT_S)) {
                    return error(400, "wait: seconds from 0 to " + MAX_WAIT_S + ", got " + wait);
                }
                waitMs = (long) (w * 1000);
            } catch (NumberFormatException e) {
                return error(400, "wait: seconds from 0 to " + MAX_WAIT_S + ", got \"" + wait + "\"");
            }
        }
        java.util.Optional<tandem.engine.CommandTickets.Outcome> o;
        try {
            o = loop.tickets().await(id, waitMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(503, "the node is stopping");
        }
        if (o.isEmpty()) {
            return error(404, "ticket " + id + ": not a command this node accepted (it keeps the last "
                    + tandem.engine.CommandTickets.KEPT + ", since it started)");
        }
        return ok(outcomeView(o.get()));
    }

    /** An outcome as the API and the commands log show it. */
    static Map<String, Object> outcomeView(tandem.engine.CommandTickets.Outcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ticket", o.id());
        m.put("command", o.answer().command());
        m.put("origin", o.origin());
        m.put("reason", o.answer().reason());
        m.put("rule", o.answer().rule());
        m.put("at", Instant.ofEpochMilli(o.at()).toString());
        m.put("status", o.status());
        m.put("ended", o.endedAt() < 0 ? null : Instant.ofEpochMilli(o.endedAt()).toString());
        List<Map<String, Object>> steps = new ArrayList<>();
        for (var st : o.steps()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("action", st.action());
            x.put("status", st.status());
            x.put("detail", st.detail());
            steps.add(x);
        }
        m.put("actions", steps);
        m.put("sentence", o.sentence());
        return m;
    }

    private static Response ok(Object m) {
        return new Response(200, write(m));
    }

    /**
     * Who called: the user a token speaks for ({@code cli:<user>} for a command-line token,
     * {@code console:<user>} for a console session), or the answer that refuses the request.
     */
    record Caller(String user, Response denied) {
    }

    /** The door a caller came through, as the commands log says it. */
    static String door(String caller) {
        if (caller.startsWith("console:")) {
            return "web console by " + caller.substring(8);
        }
        if (caller.startsWith("cli:~")) {
            // the peer's console, forwarding its user's command with a command-line token (ConsolePeer)
            return "peer's web console by " + caller.substring(5);
        }
        return caller.startsWith("cli:") ? "command line (tandem command) by " + caller.substring(4)
                : "HTTP API by the token of " + caller;
    }

    /**
     * Judges a request once ({@link ApiAuth}: a command-line token is good only once), naming the caller the
     * node accepts, or the answer for one it does not: a bearer token when {@code authorization} is given,
     * else a console session's {@code cookie}, which for a request that {@code changes} something must come
     * with the session's CSRF token.
     */
    Caller caller(String authorization, String cookie, String csrf, boolean changes) {
        if (authorization == null && cookie != null && sessions != null) {
            var s = sessions.session(cookie);
            if (s.isEmpty()) {
                return new Caller(null, error(401, "not logged in, or the session ended: log in again"));
            }
            if (changes && !ConsoleSessions.csrfMatches(s.get(), csrf)) {
                return new Caller(null, error(403, "X-CSRF-Token: missing or not this session's; reload the console"));
            }
            return new Caller("console:" + s.get().user(), null);
        }
        try {
            return auth.user(authorization).map(u -> new Caller(u, null)).orElseGet(() -> new Caller(null, unauthorized()));
        } catch (tandem.TandemException e) {
            // the token file does not parse: no token can be judged until it is fixed
            return new Caller(null, error(500, e.getMessage()));
        }
    }

    private static Response unauthorized() {
        return error(401, "missing, wrong, expired or revoked bearer token");
    }

    static Response error(int code, String message) {
        return new Response(code, write(Map.of("error", message)));
    }

    static String write(Object m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The API port's pipeline; the routes use it as {@code serverInitializerFactory=#tandem-api-server}. */
    public ApiServer server() {
        return server;
    }
}
