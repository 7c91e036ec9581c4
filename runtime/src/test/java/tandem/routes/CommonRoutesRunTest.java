package tandem.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import javax.management.ObjectName;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;
import tandem.facts.ProbeResult;

/**
 * The real routes/common, started once for the class with the timers replaced by direct: endpoints
 * (STYLE: route tests): driven with synchronous requests, one-way SEDA messages whose outcome the
 * test waits for (bounded, never a sleep), and real HTTP requests to the API on a free loopback port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommonRoutesRunTest {
    private final TestBeans doubles = new TestBeans();
    private final ListAppender<ILoggingEvent> errors = new ListAppender<>();
    private final int apiPort = TestBeans.freePort();
    private LoadedRoutes routes;
    private ProducerTemplate template;

    @BeforeAll
    void start() throws Exception {
        routes = RouteSet.load("tandem-node1", TestBeans.pairFolders(), doubles.beans(), properties());
        AdviceWith.adviceWith(routes.context(), "engine-tick", route -> route.replaceFromWith("direct:engine-tick"));
        AdviceWith.adviceWith(routes.context(), "probe-loop", route -> route.replaceFromWith("direct:tandem-probe"));
        AdviceWith.adviceWith(routes.context(), "peer-heartbeat",
                route -> route.replaceFromWith("direct:tandem-heartbeat"));
        routes.start();
        template = routes.context().createProducerTemplate();
    }

    @AfterAll
    void stop() {
        if (routes != null) {
            routes.close();
        }
    }

    @BeforeEach
    void captureErrors() {
        // every test waits for what it caused, so nothing is left over; start each one from empty anyway
        doubles.engine.observed.clear();
        doubles.acted.clear();
        errors.start();
        routesLogger().addAppender(errors);
    }

    @AfterEach
    void releaseErrors() {
        routesLogger().detachAppender(errors);
        errors.list.clear();
    }

    @ParameterizedTest
    @CsvSource({
        "direct:command-start, start",
        "direct:command-stop, stop",
        "direct:command-swap, swap",
        "direct:command-boot-start-on, boot-start-on",
        "direct:command-boot-start-off, boot-start-off",
        "direct:command-force-start, force-start",
    })
    void commandRouteSubmitsItsNameAndOriginAndRepliesWithTheAnswer(String endpoint, String name) {
        Object answer = template.requestBodyAndHeader(endpoint, "anything the caller sent", "origin", "jmx");

        assertThat(answer).isEqualTo("accepted " + name);
        assertThat(doubles.commands.submitted).last().isEqualTo(name);
        assertThat(doubles.commands.origins).last().isEqualTo("jmx");
    }

    @ParameterizedTest
    @CsvSource({
        "direct:command-start, start",
        "direct:command-stop, stop",
        "direct:command-swap, swap",
        "direct:command-boot-start-on, boot-start-on",
        "direct:command-boot-start-off, boot-start-off",
        "direct:command-force-start, force-start",
        "direct:command-sync, sync",
        "direct:command-test-mail, test-mail",
    })
    void commandRoutePassesTheArgumentsHeaderOnInItsOrder(String endpoint, String name) {
        java.util.Map<String, String> args = new java.util.LinkedHashMap<>();
        args.put("file", "/var/backup/full.tar");
        args.put("confirm", "true");

        Object answer = template.requestBodyAndHeaders(endpoint, null,
                java.util.Map.of("origin", "api", "args", args));

        assertThat(answer).isEqualTo("accepted " + name);
        assertThat(doubles.commands.args).last().satisfies(a ->
                assertThat(a).containsExactly(java.util.Map.entry("file", "/var/backup/full.tar"),
                        java.util.Map.entry("confirm", "true")));
    }

    @Test
    void theReloadRouteIsAnsweredByTheReloadBeanNotByTheRules() {
        int submitted = doubles.commands.submitted.size();

        Object answer = template.requestBodyAndHeader("direct:command-reload", "anything the caller sent", "origin", "api");

        assertThat(answer).isInstanceOfSatisfying(tandem.engine.CycleOutcome.CommandAnswer.class, a -> {
            assertThat(a.command()).isEqualTo("reload");
            assertThat(a.accepted()).isTrue();
        });
        assertThat(doubles.reload.asked).hasValue(1);
        assertThat(doubles.commands.submitted).hasSize(submitted);
    }

    @Test
    void theShutdownIsTheStopCommandFromOriginShutdown() {
        Object answer = template.requestBodyAndHeader("direct:node-shutdown", null, "origin", "shutdown");

        assertThat(answer).isEqualTo("accepted stop");
        assertThat(doubles.commands.origins).last().isEqualTo("shutdown");
    }

    @Test
    void aFailingCommandGivesTheCallerASentenceAndTheRouteKeepsWorking() {
        doubles.commands.broken = "swap";
        try {
            Object failed = template.requestBody("direct:command-swap", "anything the caller sent");

            assertThat(failed).isEqualTo("route command-swap failed: commands bean broke on swap");
            assertThat(errors.list).singleElement().satisfies(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.ERROR);
                assertThat(event.getFormattedMessage())
                        .startsWith("route command-swap failed: commands bean broke on swap")
                        .contains("java.lang.IllegalStateException", "at tandem.routes.TestBeans$Commands.submit");
            });
        } finally {
            doubles.commands.broken = TestBeans.FAIL;
        }
        assertThat(template.requestBody("direct:command-swap", "")).isEqualTo("accepted swap");
    }

    @Test
    void anActionRequestOnItsLaneGoesToItsRouteAndItsResultReachesTheEngine() throws Exception {
        ActionRequest request = new ActionRequest("vip-up", "take-over", "the peer is gone", 7);

        // as the engine's ActionPort (tandem.node.Lanes) sends it: one way, the result comes back as an observation
        template.sendBody("seda:tandem-lane-actions", request);

        assertThat(doubles.engine.nextObservation()).isEqualTo(new ActionResult("vip-up", true, "done vip.up", 7));
        assertThat(doubles.acted).containsExactly("vip.up vip-up");
        assertThat(errors.list).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "start-services, services.start start-services",
        "stop-services, services.stop stop-services",
        "vip-up, vip.up vip-up",
        "vip-down, vip.down vip-down",
        "boot-start-on, boot.on boot-start-on",
        "boot-start-off, boot.off boot-start-off",
        "fence-peer, fencing.fence fence-peer",
        "forward-swap, peer.forward forward-swap swap",
        "mail-test, mail.sendNow mail-test test",
    })
    void eachCommonActionRouteCallsItsBean(String action, String call) throws Exception {
        template.sendBody("seda:tandem-lane-actions", new ActionRequest(action, "r", "why", 1));

        assertThat(doubles.engine.nextObservation()).isInstanceOfSatisfying(ActionResult.class,
                r -> assertThat(r.action()).isEqualTo(action));
        assertThat(doubles.acted).containsExactly(call);
    }

    @ParameterizedTest
    @CsvSource({
        "resync, replication.resync resync",
        "sync, replication.sync sync",
        "final-sync, replication.finalSync final-sync",
    })
    void replicationActionsRunOnTheirOwnLane(String action, String call) throws Exception {
        template.sendBody("seda:tandem-lane-sync", new ActionRequest(action, "r", "why", 2));

        assertThat(doubles.engine.nextObservation()).isEqualTo(new ActionResult(action, true,
                "done " + call.substring(0, call.indexOf(' ')), 2));
        assertThat(doubles.acted).containsExactly(call);
    }

    @Test
    void actionsOfALaneAreCarriedOutOneAfterTheOtherInTheOrderAskedFor() throws Exception {
        List<String> names = List.of("stop-services", "vip-down", "start-services", "vip-up");
        names.forEach(name -> template.sendBody("seda:tandem-lane-actions", new ActionRequest(name, "r", "why", 1)));

        for (String name : names) {
            assertThat(doubles.engine.nextObservation()).extracting(o -> ((ActionResult) o).action()).isEqualTo(name);
        }
        assertThat(doubles.acted).containsExactly("services.stop stop-services", "vip.down vip-down",
                "services.start start-services", "vip.up vip-up");
    }

    @Test
    void aFailingActionRouteGivesAFailedResultAndTheNextRequestStillWorks() throws Exception {
        template.sendBody("seda:tandem-lane-actions", new ActionRequest("vip-up", TestBeans.FAIL, "why", 3));
        template.sendBody("seda:tandem-lane-actions", new ActionRequest("vip-down", "r", "why", 3));

        assertThat(doubles.engine.nextObservation()).isEqualTo(
                new ActionResult("vip-up", false, "route action-vip-up failed: vip bean broke on vip-up", 42));
        assertThat(doubles.engine.nextObservation()).isEqualTo(new ActionResult("vip-down", true, "done vip.down", 3));
        assertThat(errors.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.ERROR);
            assertThat(event.getFormattedMessage())
                    .startsWith("route action-vip-up failed: vip bean broke on vip-up")
                    .contains("java.lang.IllegalStateException", "at tandem.routes.TestBeans$ActionBean.done");
        });
    }

    @Test
    void aRequestForAnActionNoRouteCarriesComesBackFailedSayingSo() throws Exception {
        // the node never sends one (tandem.node.Lanes answers it first); a lane that gets one still answers
        template.sendBody("seda:tandem-lane-actions", new ActionRequest("site-backup", "r", "why", 4));

        assertThat(doubles.engine.nextObservation()).isEqualTo(new ActionResult("site-backup", false,
                "no route carries action \"site-backup\" (direct:action-site-backup has no running route)", 42));
        assertThat(doubles.acted).isEmpty();
    }

    @Test
    void observationsReachTheEngine() throws Exception {
        template.sendBody("seda:tandem-observations", "peer heartbeat");

        assertThat(doubles.engine.nextObservation()).isEqualTo("peer heartbeat");
    }

    @Test
    void probeLoopPutsTheResultsOfOneRoundOnTheEnginesQueueTogether() throws Exception {
        int before = doubles.checks.probes.get();

        template.sendBody("direct:tandem-probe", null);

        int call = before + 1;
        assertThat(doubles.checks.probes).hasValue(call);
        assertThat(doubles.engine.nextObservation()).isEqualTo(List.of(
                new ProbeResult("disk", true, "probe " + call, call), new ProbeResult("link.lan", false, "probe " + call, call)));
        assertThat(errors.list).isEmpty();
    }

    @Test
    void peerHeartbeatSendsOneBeatEachTime() {
        int before = doubles.heartbeat.beats.get();

        template.sendBody("direct:tandem-heartbeat", null);
        template.sendBody("direct:tandem-heartbeat", null);

        assertThat(doubles.heartbeat.beats).hasValue(before + 2);
        assertThat(errors.list).isEmpty();
    }

    @Test
    void apiStatusAnswersWithTheBeansCodeAndJson() throws Exception {
        HttpResponse<String> response = http(get("/api/status").header("Authorization", TestBeans.AUTHORIZATION));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("Authorization")).as("the token never comes back").isEmpty();
        assertThat(response.headers().firstValue("User-Agent")).isEmpty();
        assertThat(response.body()).isEqualTo(TestBeans.Api.STATUS_JSON);
    }

    @Test
    void theConsolesRepliesCarryTheirCookieAndThePagesProtectiveHeadersAndNothingOfTheRequest() throws Exception {
        HttpResponse<String> page = http(get("/").header("Cookie", "tandem_node1=x"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                v -> assertThat(v).startsWith("default-src 'self'"));
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(page.headers().firstValue("Set-Cookie")).as("no cookie unless the bean gives one").isEmpty();
        assertThat(page.headers().firstValue("Cookie")).isEmpty();
        assertThat(page.body()).isEqualTo("<html>console</html>");
        assertThat(http(get("/console/nothing.js")).statusCode()).isEqualTo(404);

        HttpResponse<String> login = http(get("/api/login").POST(HttpRequest.BodyPublishers.ofString(
                "{\"user\":\"admin\",\"password\":\"right\"}")));
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.headers().firstValue("Set-Cookie")).hasValue("tandem_node1=abc; Path=/; HttpOnly; SameSite=Strict");
        HttpResponse<String> wrong = http(get("/api/login").POST(HttpRequest.BodyPublishers.ofString(
                "{\"user\":\"admin\",\"password\":\"nope\"}")));
        assertThat(wrong.statusCode()).isEqualTo(401);

        // the peer's half: method, path, query and CSRF token reach the bean
        HttpResponse<String> peer = http(get("/api/peer/logs?log=commands&q=swap").header("X-CSRF-Token", "t"));
        assertThat(peer.statusCode()).isEqualTo(502);
        assertThat(doubles.console.calls).contains("peer GET /api/peer/logs log=commands&q=swap t");
        assertThat(errors.list).isEmpty();
    }

    @Test
    void apiStatusWithAWrongTokenGetsTheBeans401() throws Exception {
        HttpResponse<String> response = http(get("/api/status").header("Authorization", "Bearer wrong"));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo(TestBeans.Api.UNAUTHORIZED_JSON);
    }

    @Test
    void apiStatusWithoutATokenGetsTheBeans401() throws Exception {
        HttpResponse<String> response = http(get("/api/status"));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo(TestBeans.Api.UNAUTHORIZED_JSON);
    }

    @Test
    void apiCommandPassesTheBodyTextAndTheAuthorizationToTheBean() throws Exception {
        String body = "{\"name\": \"stop\", \"note\": \"caf\u00e9\"}";

        HttpResponse<String> response = http(request("/api/command")
                .header("Authorization", TestBeans.AUTHORIZATION)
                .header("Content-Type", "application/json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo(TestBeans.Api.COMMAND_JSON);
        assertThat(doubles.api.commands).last().isEqualTo(new TestBeans.Api.CommandCall(TestBeans.AUTHORIZATION, body));
        assertThat(doubles.api.remotes).last().asString().as("who asked, for the commands log").contains("127.0.0.1:");
    }

    @Test
    void apiCommandWithAWrongTokenGetsTheBeans401() throws Exception {
        HttpResponse<String> response = http(request("/api/command")
                .header("Authorization", "Bearer wrong")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"stop\"}")));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo(TestBeans.Api.UNAUTHORIZED_JSON);
        assertThat(doubles.api.commands).last().isEqualTo(new TestBeans.Api.CommandCall("Bearer wrong", "{\"name\": \"stop\"}"));
    }

    @Test
    void apiCommandOutcomePassesTheTicketsPathAndTheWaitToTheBean() throws Exception {
        HttpResponse<String> response = http(get("/api/commands/7?wait=2.5").header("Authorization", TestBeans.AUTHORIZATION));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("Authorization")).isEmpty();
        assertThat(response.body()).isEqualTo(TestBeans.Api.OUTCOME_JSON);
        TestBeans.Api.OutcomeCall call = doubles.api.outcomes.get(doubles.api.outcomes.size() - 1);
        assertThat(call.authorization()).isEqualTo(TestBeans.AUTHORIZATION);
        assertThat(call.uri()).startsWith("/api/commands/7");
        assertThat(call.waitSeconds()).isEqualTo("2.5");

        HttpResponse<String> post = http(request("/api/commands/7").header("Authorization", TestBeans.AUTHORIZATION)
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void metricsAnswerInPrometheusTextFormatWithAToken() throws Exception {
        HttpResponse<String> response = http(get("/metrics").header("Authorization", TestBeans.AUTHORIZATION));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).isEqualTo(TestBeans.Api.METRICS_TEXT);
        assertThat(http(get("/metrics")).statusCode()).isEqualTo(401);
    }

    @Test
    void apiCommandRefusesAGet() throws Exception {
        int before = doubles.api.commands.size();

        HttpResponse<String> response = http(get("/api/command").header("Authorization", TestBeans.AUTHORIZATION));

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(doubles.api.commands).hasSize(before);
    }

    @Test
    void apiStatusRefusesAPost() throws Exception {
        int before = doubles.api.statusCalls.get();

        HttpResponse<String> response = http(request("/api/status")
                .header("Authorization", TestBeans.AUTHORIZATION)
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(doubles.api.statusCalls).hasValue(before);
    }

    @Test
    void tickRouteMakesTheEngineTakeATick() {
        int before = doubles.engine.ticks.get();

        template.sendBody("direct:engine-tick", null);

        assertThat(doubles.engine.ticks).hasValue(before + 1);
    }

    @Test
    void jmxNamesAreTheNodesContextAndRouteIds() throws Exception {
        var jmx = ManagementFactory.getPlatformMBeanServer();
        assertThat(jmx.isRegistered(new ObjectName("org.apache.camel:context=tandem-node1,type=context,name=\"tandem-node1\"")))
                .isTrue();
        assertThat(jmx.isRegistered(new ObjectName("org.apache.camel:context=tandem-node1,type=routes,name=\"command-stop\"")))
                .isTrue();
    }

    @Test
    void validatingWhileTheNodeRunsDoesNotTouchIt() {
        assertThat(RouteSet.validate("tandem-node1", TestBeans.pairFolders(), doubles.beans(), properties()))
                .isEmpty();
        assertThat(routes.context().getRouteController().getRouteStatus("command-stop").isStarted()).isTrue();
    }

    @Test
    void aSecondContextWithTheSameNameLoadsButRefusesToStart() throws Exception {
        // a reload loads the new set while the old one runs, then must close the old one before start()
        try (LoadedRoutes second = RouteSet.load(
                "tandem-node1", TestBeans.pairFolders(), new TestBeans().beans(), properties())) {
            assertThatThrownBy(second::start)
                    .isInstanceOf(RoutesException.class)
                    .hasMessageContaining("tandem-node1")
                    .hasMessageContaining("already registered");
        }
        assertThat(template.requestBody("direct:command-stop", "")).isEqualTo("accepted stop");
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(
                new ObjectName("org.apache.camel:context=tandem-node1,type=routes,name=\"command-stop\"")))
                .as("closing the refused context leaves the running node's MBeans alone")
                .isTrue();
    }

    private Properties properties() {
        return TestBeans.properties(apiPort);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                .timeout(Duration.ofSeconds(TestBeans.AWAIT_SECONDS));
    }

    private HttpRequest.Builder get(String path) {
        return request(path).GET();
    }

    /**
     * Sends {@code request} on a new connection. Camel's netty-http closes the connection after a 405
     * without saying "Connection: close", so a client shared between tests could reuse the closed
     * connection for the next request and fail at random.
     */
    private static HttpResponse<String> http(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(TestBeans.AWAIT_SECONDS))
                .build();
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static Logger routesLogger() {
        return (Logger) LoggerFactory.getLogger("tandem.routes");
    }
}
