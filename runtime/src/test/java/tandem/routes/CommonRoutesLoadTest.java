package tandem.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real routes/common, loaded and not started: ids, names, and nothing running. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommonRoutesLoadTest {
    private final TestBeans doubles = new TestBeans();
    private final int apiPort = TestBeans.freePort();
    private LoadedRoutes routes;

    @BeforeAll
    void load() {
        routes = RouteSet.load("tandem-node1", TestBeans.pairFolders(), doubles.beans(), properties());
    }

    @AfterAll
    void close() {
        if (routes != null) {
            routes.close();
        }
    }

    @Test
    void loadsEveryCommonAndPairRouteInFileOrder() {
        assertThat(routes.routeIds()).containsExactly(
                "action-start-services", "action-stop-services", "action-vip-up", "action-vip-down",
                "action-boot-start-on", "action-boot-start-off",
                "api-status", "api-command", "api-command-outcome", "api-metrics",
                "probe-loop", "peer-heartbeat",
                "command-start", "command-stop", "command-swap",
                "command-boot-start-on", "command-boot-start-off", "command-force-start", "command-sync", "command-test-mail",
                "command-reload",
                "node-shutdown",
                "console-page", "console-files", "console-login", "console-logout", "console-session", "console-logs",
                "console-peer", "console-reply",
                "engine-tick", "engine-observe",
                "lane-actions",
                "action-mail-test",
                "action-fence-peer", "action-forward-swap",
                "sync-serve", "sync-timer", "action-resync", "action-sync", "action-final-sync", "lane-sync");
    }

    @Test
    void contextIsNamedAfterTheNode() {
        assertThat(routes.context().getName()).isEqualTo("tandem-node1");
    }

    @Test
    void nothingRunsUntilStart() {
        assertThat(routes.context().isStarted()).isFalse();
        assertThat(routes.context().getRoutes()).isEmpty();
        assertThat(doubles.engine.ticks).hasValue(0);
        assertThat(doubles.engine.observed).isEmpty();
        assertThat(doubles.commands.submitted).isEmpty();
        assertThat(doubles.acted).isEmpty();
        assertThat(doubles.checks.probes).hasValue(0);
        assertThat(doubles.heartbeat.beats).hasValue(0);
        assertThat(doubles.api.statusCalls).hasValue(0);
        assertThat(doubles.api.commands).isEmpty();
    }

    @Test
    void nothingListensOnTheApiPortUntilStart() throws IOException {
        // binding the port proves the loaded, not started, context has not taken it
        try (ServerSocket free = new ServerSocket(apiPort, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(free.getLocalPort()).isEqualTo(apiPort);
        }
    }

    @Test
    void everyRouteUsesTheSharedErrorHandler() {
        ModelCamelContext model = (ModelCamelContext) routes.context();
        assertThat(model.getRouteConfigurationDefinitions())
                .extracting(c -> c.getId())
                .containsExactly("tandem-errors");
        assertThat(model.getRouteDefinitions())
                .extracting(RouteDefinition::getRouteConfigurationId)
                .containsOnly("tandem-errors");
    }

    @Test
    void tickIntervalComesFromTheRuntimeProperties() {
        String uri = routeInput("engine-tick");
        // scheduler (monotonic clock), not timer (java.util.Timer follows the system clock: a step back stalls it)
        assertThat(uri).isEqualTo("scheduler:tandem-tick?delay={{tandem.check-interval-ms}}&useFixedDelay=false");
        assertThat(routes.context().resolvePropertyPlaceholders(uri))
                .isEqualTo("scheduler:tandem-tick?delay=3600000&useFixedDelay=false");
    }

    @Test
    void probeAndHeartbeatIntervalsComeFromTheRuntimeProperties() {
        String probe = routeInput("probe-loop");
        String heartbeat = routeInput("peer-heartbeat");

        assertThat(probe).isEqualTo("scheduler:tandem-probe?delay={{tandem.check-interval-ms}}&useFixedDelay=false");
        assertThat(heartbeat)
                .isEqualTo("scheduler:tandem-heartbeat?delay={{tandem.heartbeat-interval-ms}}&useFixedDelay=false");
        assertThat(routes.context().resolvePropertyPlaceholders(probe))
                .isEqualTo("scheduler:tandem-probe?delay=3600000&useFixedDelay=false");
        assertThat(routes.context().resolvePropertyPlaceholders(heartbeat))
                .isEqualTo("scheduler:tandem-heartbeat?delay=3600000&useFixedDelay=false");
    }

    @Test
    void apiAddressAndPortComeFromTheRuntimeProperties() {
        assertThat(routes.context().resolvePropertyPlaceholders(routeInput("api-status")))
                .isEqualTo("netty-http:http://127.0.0.1:" + apiPort + "/api/status?httpMethodRestrict=GET"
                        + "&serverInitializerFactory=#tandem-api-server");
        assertThat(routes.context().resolvePropertyPlaceholders(routeInput("api-command")))
                .isEqualTo("netty-http:http://127.0.0.1:" + apiPort + "/api/command?httpMethodRestrict=POST"
                        + "&serverInitializerFactory=#tandem-api-server");
    }

    @Test
    void observationsAndEachLaneHaveExactlyOneConsumer() {
        assertThat(routeInput("engine-observe")).isEqualTo("seda:tandem-observations?concurrentConsumers=1");
        assertThat(routeInput("lane-actions")).isEqualTo("seda:tandem-lane-actions?concurrentConsumers=1");
        assertThat(routeInput("lane-sync")).isEqualTo("seda:tandem-lane-sync?concurrentConsumers=1");
    }

    @Test
    void theCommonFolderIsValid() {
        assertThat(RouteSet.validate("tandem-node1", TestBeans.pairFolders(), doubles.beans(), properties()))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ms-failover", "sbs", "redundancy"})
    void everyProfilesRouteFoldersExistAndAreValidTogether(String profile) {
        List<Path> folders = tandem.engine.ProfileSpec.load(TestBeans.home(), profile).routeFolders();

        assertThat(folders).startsWith(TestBeans.commonRoutes()).endsWith(TestBeans.home().resolve("routes").resolve(profile));
        assertThat(RouteSet.validate("tandem-node1", folders, doubles.beans(), properties())).isEmpty();
    }

    @Test
    void filesAreListedInLoadOrder() {
        Path common = TestBeans.commonRoutes();
        assertThat(RouteSet.files(List.of(common))).containsExactly(
                common.resolve("actions.camel.yaml"), common.resolve("api.camel.yaml"),
                common.resolve("checks.camel.yaml"), common.resolve("commands.camel.yaml"),
                common.resolve("console.camel.yaml"), common.resolve("engine.camel.yaml"), common.resolve("errors.camel.yaml"),
                common.resolve("lanes.camel.yaml"), common.resolve("mail.camel.yaml"));
    }

    private Properties properties() {
        return TestBeans.properties(apiPort);
    }

    private String routeInput(String routeId) {
        return ((ModelCamelContext) routes.context()).getRouteDefinition(routeId).getInput().getEndpointUri();
    }
}
