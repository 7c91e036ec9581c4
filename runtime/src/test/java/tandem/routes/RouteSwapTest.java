package tandem.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;

/**
 * {@link LoadedRoutes#replace} on a started context: only what changed is stopped and started, the
 * routes others added to the context keep running, what waits on a lane is taken by the new consumer,
 * a route busy with an exchange is not pulled from under it, and a new set that cannot start leaves
 * the old one running.
 */
class RouteSwapTest {
    private static final String ACTIONS = """
            # one lane: the actions run one after the other
            - route:
                id: action-perform
                description: "Carry out one action request"
                routeConfigurationId: tandem-errors
                from:
                  uri: "seda:tandem-actions?concurrentConsumers=1"
                  steps:
                    - bean:
                        ref: actions
                        method: perform
                    - to:
                        uri: "seda:tandem-observations"
            - route:
                id: engine-observe
                description: "Hand each observation to the engine"
                routeConfigurationId: tandem-errors
                from:
                  uri: "seda:tandem-observations?concurrentConsumers=1"
                  steps:
                    - bean:
                        ref: engine
                        method: observe
            """;
    private static final String COMMANDS = """
            - route:
                id: command-start
                description: "Operator command: start"
                routeConfigurationId: tandem-errors
                from:
                  uri: direct:command-start
                  steps:
                    - bean:
                        ref: commands
                        method: "submit('start', ${header.origin})"
            - route:
                id: command-stop
                description: "Operator command: stop"
                routeConfigurationId: tandem-errors
                from:
                  uri: direct:command-stop
                  steps:
                    - bean:
                        ref: commands
                        method: "submit('stop', ${header.origin})"
            """;
    private static final String MAINTENANCE = """
            - route:
                id: command-maintenance
                description: "Operator command: maintenance"
                routeConfigurationId: tandem-errors
                from:
                  uri: direct:command-maintenance
                  steps:
                    - bean:
                        ref: commands
                        method: "submit('maintenance', ${header.origin})"
            """;

    @TempDir
    Path tmp;
    private final TestBeans doubles = new TestBeans();
    private final GatedActions actions = new GatedActions();
    private Path common;
    private Path site;
    private LoadedRoutes routes;
    private ProducerTemplate template;

    /** Like the actions bean, but it can be made to hold an action until the test lets it go. */
    public static final class GatedActions {
        final BlockingQueue<ActionRequest> entered = new LinkedBlockingQueue<>();
        volatile CountDownLatch gate = new CountDownLatch(0);

        public ActionResult perform(ActionRequest request) throws InterruptedException {
            entered.add(request);
            gate.await(TestBeans.AWAIT_SECONDS, TimeUnit.SECONDS);
            return new ActionResult(request.action(), true, "done", request.generation());
        }
    }

    @BeforeEach
    void start() throws Exception {
        common = Files.createDirectories(tmp.resolve("common"));
        site = Files.createDirectories(tmp.resolve("site"));
        Files.copy(TestBeans.commonRoutes().resolve("errors.camel.yaml"), common.resolve("errors.camel.yaml"));
        Files.writeString(common.resolve("actions.camel.yaml"), ACTIONS);
        Files.writeString(common.resolve("commands.camel.yaml"), COMMANDS);
        Map<String, Object> beans = new HashMap<>(doubles.beans());
        beans.put("actions", actions);
        routes = RouteSet.load("tandem-swap", List.of(common, site), beans, TestBeans.properties(TestBeans.freePort()));
        // routes other code adds to the node's context, as the peer link does
        routes.context().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:link-in").routeId("link-in").setBody(constant("linked"));
            }
        });
        routes.start();
        template = routes.context().createProducerTemplate();
    }

    @AfterEach
    void close() {
        actions.gate.countDown();
        if (routes != null) {
            routes.close();
        }
    }

    /** The beans by the names the context has them, made anew for the check, as a node makes them. */
    private Map<String, Object> checkBeans() {
        Map<String, Object> beans = new HashMap<>(doubles.beans());
        beans.put("actions", actions);
        return beans;
    }

    private Route route(String id) {
        return routes.context().getRoute(id);
    }

    @Test
    void onlyWhatChangedIsReplacedAndTheRoutesOthersAddedKeepRunning() throws Exception {
        Route start = route("command-start");
        Route observe = route("engine-observe");
        Route link = route("link-in");
        Files.writeString(common.resolve("commands.camel.yaml"), "# a comment moves nothing\n"
                + COMMANDS.replace("\"Operator command: stop\"", "\"Operator command: stop, now with care\""));
        Files.writeString(site.resolve("site.camel.yaml"), MAINTENANCE);

        RouteChanges changes = routes.replace(List.of(common, site), checkBeans());

        assertThat(changes.added()).containsExactly("command-maintenance");
        assertThat(changes.replaced()).containsExactly("command-stop");
        assertThat(changes.removed()).isEmpty();
        assertThat(changes.configurations()).isEmpty();
        assertThat(changes.unchanged()).isEqualTo(3);
        assertThat(changes.summary()).isEqualTo("1 added (command-maintenance), 1 replaced (command-stop), 3 unchanged");
        assertThat(route("command-start")).as("untouched").isSameAs(start);
        assertThat(route("engine-observe")).isSameAs(observe);
        assertThat(route("link-in")).isSameAs(link);
        assertThat(routes.context().getRouteController().getRouteStatus("link-in")).isEqualTo(ServiceStatus.Started);
        assertThat(route("command-stop").getDescription()).isEqualTo("Operator command: stop, now with care");
        assertThat(template.requestBody("direct:command-maintenance", (Object) null)).isEqualTo("accepted maintenance");
        assertThat(template.requestBody("direct:command-stop", (Object) null)).isEqualTo("accepted stop");
        assertThat(template.requestBody("direct:link-in", (Object) null)).isEqualTo("linked");
        assertThat(routes.routeIds()).containsExactly("action-perform", "engine-observe", "command-start", "command-stop",
                "command-maintenance");

        Files.delete(site.resolve("site.camel.yaml"));
        RouteChanges back = routes.replace(List.of(common, site), checkBeans());

        assertThat(back.removed()).containsExactly("command-maintenance");
        assertThat(route("command-maintenance")).isNull();
        assertThat(routes.replace(List.of(common, site), checkBeans()).none()).as("nothing changed since").isTrue();
    }

    @Test
    void actionsSentWhileTheLaneHasNoConsumerAreTakenByTheNewOne() throws Exception {
        // the moment of a swap when the lane's old consumer is gone and the new one not there yet
        routes.context().getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.RouteRemovedEvent removed
                        && removed.getRoute().getRouteId().equals("action-perform");
            }

            @Override
            public void notify(CamelEvent event) {
                for (int i = 1; i <= 3; i++) {
                    template.sendBody("seda:tandem-actions", new ActionRequest("step-" + i, "rule", "why", 1));
                }
            }
        });
        Files.writeString(common.resolve("actions.camel.yaml"),
                ACTIONS.replace("\"Carry out one action request\"", "\"Carry out one action request, changed\""));

        RouteChanges changes = routes.replace(List.of(common, site), checkBeans());

        assertThat(changes.replaced()).containsExactly("action-perform");
        List<Object> observed = new java.util.ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            observed.add(doubles.engine.nextObservation());
        }
        assertThat(observed).extracting(o -> ((ActionResult) o).action()).containsExactly("step-1", "step-2", "step-3");
        assertThat(actions.entered).extracting(ActionRequest::action).containsExactly("step-1", "step-2", "step-3");
        assertThat(route("action-perform").getDescription()).isEqualTo("Carry out one action request, changed");
    }

    @Test
    void aChangedRouteThatCarriesAnExchangeIsNotReplacedUnderIt() throws Exception {
        actions.gate = new CountDownLatch(1);
        template.sendBody("seda:tandem-actions", new ActionRequest("start-services", "rule", "why", 1));
        assertThat(actions.entered.poll(TestBeans.AWAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
        Route lane = route("action-perform");
        Path file = common.resolve("actions.camel.yaml");
        Files.writeString(file, ACTIONS.replace("\"Carry out one action request\"", "\"Carry out one action, changed\""));

        assertThatThrownBy(() -> routes.replace(List.of(common, site), checkBeans()))
                .isInstanceOf(RoutesException.class)
                .satisfies(e -> assertThat(((RoutesException) e).problems()).containsExactly(file + ":2: route"
                        + " \"action-perform\" changed and carries 1 exchange(s) right now; a changed route is replaced"
                        + " only while it carries nothing: try again once it is done"));

        assertThat(route("action-perform")).isSameAs(lane);
        actions.gate.countDown();
        assertThat(doubles.engine.nextObservation()).isInstanceOf(ActionResult.class);
    }

    @Test
    void aNewSetThatCannotStartLeavesTheOldOneRunning() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Route start = route("command-start");
            Files.writeString(common.resolve("commands.camel.yaml"),
                    COMMANDS.replace("\"Operator command: stop\"", "\"Operator command: stop, changed\""));
            Path file = site.resolve("site.camel.yaml");
            Files.writeString(file, MAINTENANCE + """
                    - route:
                        id: api-extra
                        description: "An HTTP route on a port that is taken"
                        routeConfigurationId: tandem-errors
                        from:
                          uri: "netty-http:http://127.0.0.1:%d/extra"
                          steps:
                            - setBody:
                                constant: extra
                    """.formatted(busy.getLocalPort()));

            assertThatThrownBy(() -> routes.replace(List.of(common, site), checkBeans()))
                    .isInstanceOf(RoutesException.class)
                    .satisfies(e -> assertThat(((RoutesException) e).problems()).singleElement().asString()
                            .startsWith(file + ":11: route \"api-extra\" cannot start: "));

            assertThat(route("api-extra")).isNull();
            assertThat(route("command-maintenance")).isNull();
            assertThat(route("command-start")).isSameAs(start);
            assertThat(route("command-stop").getDescription()).isEqualTo("Operator command: stop");
            assertThat(template.requestBody("direct:command-stop", (Object) null)).isEqualTo("accepted stop");
            assertThat(routes.routeIds()).containsExactly("action-perform", "engine-observe", "command-start",
                    "command-stop");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aNewSetWithAProblemTouchesNothing() throws Exception {
        Route stop = route("command-stop");
        Path file = site.resolve("site.camel.yaml");
        Files.writeString(file, MAINTENANCE.replace("ref: commands", "ref: nobody"));

        assertThatThrownBy(() -> routes.replace(List.of(common, site), checkBeans()))
                .isInstanceOf(RoutesException.class)
                .satisfies(e -> assertThat(((RoutesException) e).problems()).allMatch(p -> p.startsWith(file + ":")));

        assertThat(route("command-stop")).isSameAs(stop);
        assertThat(route("command-maintenance")).isNull();
    }
}
