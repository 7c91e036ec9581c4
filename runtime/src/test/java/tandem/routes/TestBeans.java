package tandem.routes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;
import tandem.facts.ProbeResult;
import tandem.node.ApiBean.Response;

/**
 * Hand-written doubles for the beans the runtime binds (engine, commands, the action beans, checks,
 * heartbeat, api), with the real beans' method names and the real types they take and return,
 * recording their calls; the lanes bean is the real one. Plus the paths and properties route tests share.
 */
final class TestBeans {
    /** The rule (of an action request) or, by default, the command name that makes a double throw, to exercise the shared error handler. */
    static final String FAIL = "fail";
    /** The only Authorization header the api double accepts. */
    static final String AUTHORIZATION = "Bearer test-token";
    /** How long a test waits for something a route does on another thread. */
    static final long AWAIT_SECONDS = 5;

    final Engine engine = new Engine();
    final Commands commands = new Commands();
    /** Every call of an action bean, as "bean.method action [argument]", in order. */
    final List<String> acted = new CopyOnWriteArrayList<>();
    final Services services = new Services(acted);
    final Vip vip = new Vip(acted);
    final Boot boot = new Boot(acted);
    final Fencing fencing = new Fencing(acted);
    final Rollback rollback = new Rollback(acted);
    final Peer peer = new Peer(acted);
    final Mail mail = new Mail(acted);
    final StandbyKey standbyKey = new StandbyKey(acted);
    final tandem.node.Lanes lanes = new tandem.node.Lanes(o -> { }, () -> 42);
    final Checks checks = new Checks();
    final Heartbeat heartbeat = new Heartbeat();
    final Api api = new Api();
    final Console console = new Console();
    final Sync sync = new Sync();
    final Replication replication = new Replication(acted);
    final Reload reload = new Reload();
    final Transfers transfers = new Transfers(acted);
    final Imports imports = new Imports(acted);

    /**
     * By the names {@code tandem.node.Wiring} binds them (the sync channel's and the API's pipelines,
     * and the netty-http component that honours the latter, are the real ones; the API's limits are the
     * defaults).
     */
    Map<String, Object> beans() {
        return Map.ofEntries(Map.entry("engine", engine), Map.entry("commands", commands),
                Map.entry("services", services), Map.entry("vip", vip), Map.entry("boot", boot),
                Map.entry("fencing", fencing), Map.entry("peer", peer), Map.entry("mail", mail),
                Map.entry("lanes", lanes), Map.entry("checks", checks), Map.entry("heartbeat", heartbeat),
                Map.entry("api", api), Map.entry("console", console), Map.entry("sync", sync), Map.entry("replication", replication),
                Map.entry("reload", reload), Map.entry(tandem.node.StandbyKeyBean.BEAN, standbyKey),
                Map.entry("rollback", rollback),
                Map.entry("transfers", transfers), Map.entry("imports", imports),
                Map.entry("tandem-sync-server", new tandem.replication.SyncPipelines.Server(
                        new tandem.replication.SyncCodec("route-test-secret"), "node1", java.util.Optional.empty(),
                        java.time.Clock.systemUTC())),
                Map.entry(tandem.node.ApiServer.BEAN, new tandem.node.ApiServer(new tandem.config.Console(true,
                        "127.0.0.1", 9010, tandem.config.ConsoleProtocol.HTTP, "admin", java.util.Optional.empty(),
                        java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(60), 32))),
                Map.entry("netty-http", new tandem.node.ApiHttpComponent()),
                Map.entry(tandem.node.ConsoleHeaders.BEAN, new tandem.node.ConsoleHeaders()));
    }

    /**
     * What the runtime supplies for the routes' placeholders: intervals of an hour, so a real timer
     * never fires in a test, and the HTTP API on the loopback address at {@code apiPort}.
     */
    static Properties properties(int apiPort) {
        Properties properties = new Properties();
        properties.setProperty("tandem.check-interval-ms", "3600000");
        properties.setProperty("tandem.heartbeat-interval-ms", "3600000");
        properties.setProperty("tandem.api.address", "127.0.0.1");
        properties.setProperty("tandem.api.port", Integer.toString(apiPort));
        properties.setProperty("tandem.sync.address", "127.0.0.1");
        properties.setProperty("tandem.sync.port", Integer.toString(freePort()));
        properties.setProperty("tandem.sync.interval-ms", "3600000");
        properties.setProperty("tandem.redundancy.transfer.redeliveries", "0");
        properties.setProperty("tandem.redundancy.transfer.retry-wait-ms", "1000");
        return properties;
    }

    /** A TCP port free on the loopback address right now; each test class takes its own. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The project root: surefire sets tandem.home; from an IDE the module dir's parent. */
    static Path home() {
        return Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
    }

    static Path commonRoutes() {
        return home().resolve("routes").resolve("common");
    }

    /** routes/pair: replication, fencing and the forwarded swap of the symmetric pairs. */
    static Path pairRoutes() {
        return home().resolve("routes").resolve("pair");
    }

    /** The route folders every node of a symmetric pair (ms-failover, sbs) loads first. */
    static List<Path> pairFolders() {
        return List.of(commonRoutes(), pairRoutes());
    }

    public static final class Engine {
        final AtomicInteger ticks = new AtomicInteger();
        /** Observations in the order they arrived; a queue, so a test can wait for one. */
        final BlockingQueue<Object> observed = new LinkedBlockingQueue<>();

        public void observe(Object observation) {
            observed.add(observation);
        }

        public Object tick() {
            ticks.incrementAndGet();
            return null;
        }

        /** The next observation, waiting at most {@link #AWAIT_SECONDS}. */
        Object nextObservation() throws InterruptedException {
            Object next = observed.poll(AWAIT_SECONDS, TimeUnit.SECONDS);
            if (next == null) {
                throw new AssertionError("no observation reached engine.observe within " + AWAIT_SECONDS + " s");
            }
            return next;
        }
    }

    /** Like {@code tandem.reload.Reload}: counts the reloads asked for and accepts each. */
    public static final class Reload {
        final java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();

        public tandem.engine.CycleOutcome.CommandAnswer reload() {
            return new tandem.engine.CycleOutcome.CommandAnswer("reload", true, "reloaded " + asked.incrementAndGet(), null);
        }
    }

    public static final class Commands {
        final List<String> submitted = new CopyOnWriteArrayList<>();
        final List<String> origins = new CopyOnWriteArrayList<>();
        /** The command routes name themselves, so a test picks the name that fails here. */
        volatile String broken = FAIL;

        final List<java.util.Map<String, String>> args = new CopyOnWriteArrayList<>();

        /** Like the real engine loop's submit(name, origin, args): what the shipped command routes call. */
        public Object submit(String name, String origin, java.util.Map<String, String> args) {
            this.args.add(args == null ? java.util.Map.of() : args);
            return submit(name, origin);
        }

        /** Like the real engine loop's submit(name, origin), which a site's older route may call; never submit(name). */
        public Object submit(String name, String origin) {
            submitted.add(name);
            origins.add(String.valueOf(origin));
            if (name.equals(broken)) {
                throw new IllegalStateException("commands bean broke on " + name);
            }
            return "accepted " + name;
        }

        public Object submit(String name) {
            throw new AssertionError("the command routes call submit(name, origin), not submit(" + name + ")");
        }
    }

    /**
     * What the action beans share: each call is recorded and answered with a result named after the
     * request, "done bean.method"; a request whose rule is {@link #FAIL} makes the bean throw.
     */
    abstract static class ActionBean {
        private final List<String> acted;
        private final String bean;

        ActionBean(List<String> acted, String bean) {
            this.acted = acted;
            this.bean = bean;
        }

        ActionResult done(String method, ActionRequest request, String... args) {
            acted.add(bean + "." + method + " " + request.action() + (args.length == 0 ? "" : " " + String.join(" ", args)));
            if (FAIL.equals(request.rule())) {
                throw new IllegalStateException(bean + " bean broke on " + request.action());
            }
            return new ActionResult(request.action(), true, "done " + bean + "." + method, request.generation());
        }
    }

    /** Like {@code tandem.node.ServicesBean}. */
    public static final class Services extends ActionBean {
        Services(List<String> acted) {
            super(acted, "services");
        }

        public ActionResult start(ActionRequest r) {
            return done("start", r);
        }

        public ActionResult startReported(ActionRequest r) {
            return done("startReported", r);
        }

        public ActionResult stop(ActionRequest r) {
            return done("stop", r);
        }
    }

    /** Like {@code tandem.node.VipBean}. */
    public static final class Vip extends ActionBean {
        Vip(List<String> acted) {
            super(acted, "vip");
        }

        public ActionResult up(ActionRequest r) {
            return done("up", r);
        }

        public ActionResult takeOver(ActionRequest r) {
            return done("takeOver", r);
        }

        public ActionResult down(ActionRequest r) {
            return done("down", r);
        }
    }

    /** Like {@code tandem.node.BootStart}. */
    public static final class Boot extends ActionBean {
        Boot(List<String> acted) {
            super(acted, "boot");
        }

        public ActionResult on(ActionRequest r) {
            return done("on", r);
        }

        public ActionResult off(ActionRequest r) {
            return done("off", r);
        }
    }

    /** Like {@code tandem.node.FencingBean}. */
    public static final class Fencing extends ActionBean {
        Fencing(List<String> acted) {
            super(acted, "fencing");
        }

        public ActionResult fence(ActionRequest r) {
            return done("fence", r);
        }
    }

    /** Like {@code tandem.redundancy.RollbackBean}. */
    public static final class Rollback extends ActionBean {
        Rollback(List<String> acted) {
            super(acted, "rollback");
        }

        public ActionResult backup(ActionRequest r) {
            return done("backup", r);
        }

        public ActionResult importOriginal(ActionRequest r) {
            return done("importOriginal", r);
        }

        public ActionResult restore(ActionRequest r) {
            return done("restore", r);
        }
    }

    /** Like {@code tandem.node.PeerBean}. */
    public static final class Peer extends ActionBean {
        Peer(List<String> acted) {
            super(acted, "peer");
        }

        public ActionResult forward(ActionRequest r, String command) {
            return done("forward", r, command);
        }
    }

    /** Like {@code tandem.node.MailBean}. */
    public static final class Mail extends ActionBean {
        Mail(List<String> acted) {
            super(acted, "mail");
        }

        public ActionResult send(ActionRequest r, String template) {
            return done("send", r, template);
        }

        public ActionResult sendNow(ActionRequest r, String template) {
            return done("sendNow", r, template);
        }

        public ActionResult sendToUsers(ActionRequest r, String template) {
            return done("sendToUsers", r, template);
        }

        public ActionResult sendToErrorAddress(ActionRequest r, String template) {
            return done("sendToErrorAddress", r, template);
        }
    }

    /**
     * Like {@code tandem.redundancy.BackupTransfer}: the steps pass the request on, the last answers it,
     * so the route action-transfer-backup ends with done's result.
     */
    public static final class Transfers extends ActionBean {
        Transfers(List<String> acted) {
            super(acted, "transfers");
        }

        public void due() {
        }

        public ActionRequest begin(ActionRequest r) {
            return r;
        }

        public ActionRequest create(ActionRequest r) {
            return r;
        }

        public ActionRequest upload(ActionRequest r) {
            return r;
        }

        public ActionRequest importOnStandby(ActionRequest r) {
            return r;
        }

        public ActionResult done(ActionRequest r) {
            return done("done", r);
        }

        public ActionResult failed(Object body, Exception e) {
            return new ActionResult("transfer-backup", false, String.valueOf(e.getMessage()), 0);
        }
    }

    /** Like {@code tandem.redundancy.ImportWatch}. */
    public static final class Imports extends ActionBean {
        Imports(List<String> acted) {
            super(acted, "imports");
        }

        public void changed() {
        }

        public ActionResult standbyImport(ActionRequest r) {
            return done("standbyImport", r);
        }
    }

    /** Like {@code tandem.node.StandbyKeyBean}: observes nothing, records nothing. */
    public static final class StandbyKey extends ActionBean {
        StandbyKey(List<String> acted) {
            super(acted, "standby-key");
        }

        public java.util.Map<String, String> observe(java.util.Map<String, String> args) {
            return args;
        }

        public ActionResult record(ActionRequest r) {
            return done("record", r);
        }
    }

    /** Like {@code tandem.node.ProbeRunner}: every call returns two fresh results, numbered by the call. */
    public static final class Checks {
        final AtomicInteger probes = new AtomicInteger();

        public List<ProbeResult> probeAll() {
            int n = probes.incrementAndGet();
            return List.of(new ProbeResult("disk", true, "probe " + n, n),
                    new ProbeResult("link.lan", false, "probe " + n, n));
        }
    }

    /** Like {@code tandem.replication.SyncServer}: answers every request with an empty ok reply. */
    public static final class Sync {
        final AtomicInteger requests = new AtomicInteger();

        public tandem.replication.SyncMessage handle(tandem.replication.SyncMessage request) {
            requests.incrementAndGet();
            var h = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
            h.put("type", "reply");
            h.put("ok", true);
            return new tandem.replication.SyncMessage(h);
        }
    }

    /** Like {@code tandem.replication.Replication}: counts the timer's calls, records the replication actions. */
    public static final class Replication extends ActionBean {
        final AtomicInteger due = new AtomicInteger();

        Replication(List<String> acted) {
            super(acted, "replication");
        }

        public void due() {
            due.incrementAndGet();
        }

        public ActionResult resync(ActionRequest r) {
            return done("resync", r);
        }

        public ActionResult sync(ActionRequest r) {
            return done("sync", r);
        }

        public ActionResult finalSync(ActionRequest r) {
            return done("finalSync", r);
        }
    }

    /** Like {@code tandem.node.HeartbeatSender}. */
    public static final class Heartbeat {
        final AtomicInteger beats = new AtomicInteger();

        public void beat() {
            beats.incrementAndGet();
        }
    }

    /**
     * Like {@code tandem.node.ConsoleBean}: the page for {@code /}, a login that sets a cookie for the password
     * {@code right}, and what each call was given.
     */
    public static final class Console {
        final List<String> calls = new CopyOnWriteArrayList<>();

        public tandem.node.ConsoleBean.Reply file(String uri) {
            calls.add("file " + uri);
            return uri.replaceFirst("\\?.*$", "").equals("/") || uri.startsWith("/console/index.html")
                    ? new tandem.node.ConsoleBean.Reply(200, "text/html; charset=utf-8", "<html>console</html>", null)
                    : new tandem.node.ConsoleBean.Reply(404, "text/plain; charset=utf-8", "not found: " + uri, null);
        }

        public tandem.node.ConsoleBean.Reply login(String body, Object remote) {
            calls.add("login " + body);
            return body.contains("\"right\"")
                    ? new tandem.node.ConsoleBean.Reply(200, "application/json", "{\"csrf\":\"c\"}",
                            "tandem_node1=abc; Path=/; HttpOnly; SameSite=Strict")
                    : new tandem.node.ConsoleBean.Reply(401, "application/json", "{\"error\":\"wrong user or password\"}", null);
        }

        public tandem.node.ConsoleBean.Reply logout(String cookie, String csrf) {
            calls.add("logout " + cookie + " " + csrf);
            return new tandem.node.ConsoleBean.Reply(200, "application/json", "{}", "tandem_node1=; Max-Age=0");
        }

        public tandem.node.ConsoleBean.Reply session(String cookie) {
            calls.add("session " + cookie);
            return new tandem.node.ConsoleBean.Reply(401, "application/json", "{}", null);
        }

        public tandem.node.ConsoleBean.Reply logs(String authorization, String cookie, String log, String page, String q) {
            calls.add("logs " + log + " " + page + " " + q);
            return new tandem.node.ConsoleBean.Reply(200, "application/json", "{\"lines\":[]}", null);
        }

        public tandem.node.ConsoleBean.Reply peer(String authorization, String cookie, String csrf, String method,
                String uri, String query, String body) {
            calls.add("peer " + method + " " + uri + " " + query + " " + csrf);
            return new tandem.node.ConsoleBean.Reply(502, "application/json", "{\"error\":\"no peer\"}", null);
        }
    }

    /** Like {@code tandem.node.ApiBean}: 401 unless the Authorization is {@link #AUTHORIZATION}. */
    public static final class Api {
        static final String STATUS_JSON = "{\"node\":{\"id\":\"node1\",\"state\":\"ACTIVE\"}}";
        static final String COMMAND_JSON = "{\"command\":\"stop\",\"accepted\":true}";
        static final String UNAUTHORIZED_JSON = "{\"error\":\"missing, wrong, expired or revoked bearer token\"}";

        /** What one call to command() was given. */
        record CommandCall(String authorization, String body) {}

        final List<CommandCall> commands = new CopyOnWriteArrayList<>();
        final List<String> remotes = new CopyOnWriteArrayList<>();
        final AtomicInteger statusCalls = new AtomicInteger();

        /** As the route calls it: with the console's session cookie, which these tests never send. */
        public Response status(String authorization, String cookie) {
            return status(authorization);
        }

        public Response command(String authorization, String cookie, String csrf, String body, Object remote) {
            return command(authorization, body, remote);
        }

        public Response outcome(String authorization, String cookie, String uri, String wait) {
            return outcome(authorization, uri, wait);
        }

        public Response status(String authorization) {
            statusCalls.incrementAndGet();
            return AUTHORIZATION.equals(authorization) ? new Response(200, STATUS_JSON)
                    : new Response(401, UNAUTHORIZED_JSON);
        }

        public Response command(String authorization, String body, Object remote) {
            commands.add(new CommandCall(authorization, body));
            remotes.add(String.valueOf(remote));
            return AUTHORIZATION.equals(authorization) ? new Response(200, COMMAND_JSON)
                    : new Response(401, UNAUTHORIZED_JSON);
        }

        static final String OUTCOME_JSON = "{\"ticket\":7,\"status\":\"done\"}";

        /** What one call to outcome() was given. */
        record OutcomeCall(String authorization, String uri, String waitSeconds) {}

        final List<OutcomeCall> outcomes = new CopyOnWriteArrayList<>();

        static final String METRICS_TEXT = "# HELP tandem_generation x\ntandem_generation{node=\"node1\"} 3.0\n";

        public Response metrics(String authorization) {
            return AUTHORIZATION.equals(authorization) ? new Response(200, METRICS_TEXT)
                    : new Response(401, UNAUTHORIZED_JSON);
        }

        public Response outcome(String authorization, String uri, String wait) {
            outcomes.add(new OutcomeCall(authorization, uri, wait));
            return AUTHORIZATION.equals(authorization) ? new Response(200, OUTCOME_JSON)
                    : new Response(401, UNAUTHORIZED_JSON);
        }
    }
}
