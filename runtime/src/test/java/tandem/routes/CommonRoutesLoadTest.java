package tandem.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
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
    private LoadedRoutes routes;

    @BeforeAll
    void load() {
        routes = RouteSet.load("tandem-node1", List.of(TestBeans.commonRoutes()), doubles.beans(), TestBeans.properties());
    }

    @AfterAll
    void close() {
        routes.close();
    }

    @Test
    void loadsEveryCommonRouteInFileOrder() {
        assertThat(routes.routeIds()).containsExactly(
                "action-perform",
                "command-start", "command-stop", "command-swap",
                "command-boot-start-on", "command-boot-start-off", "command-force-start",
                "engine-tick", "engine-observe");
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
        assertThat(uri).isEqualTo("timer:tandem-tick?period={{tandem.check-interval-ms}}");
        assertThat(routes.context().resolvePropertyPlaceholders(uri)).isEqualTo("timer:tandem-tick?period=3600000");
    }

    @Test
    void observationsHaveExactlyOneConsumer() {
        assertThat(routeInput("engine-observe")).isEqualTo("seda:tandem-observations?concurrentConsumers=1");
    }

    @Test
    void theCommonFolderIsValid() {
        assertThat(RouteSet.validate("tandem-node1", List.of(TestBeans.commonRoutes()), doubles.beans(), TestBeans.properties()))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ms-failover", "sbs", "redundancy"})
    void everyProfileFolderExistsAndIsValidWithTheCommonRoutes(String profile) {
        Path profileRoutes = TestBeans.home().resolve("routes").resolve(profile);

        assertThat(RouteSet.validate("tandem-node1", List.of(TestBeans.commonRoutes(), profileRoutes), doubles.beans(),
                TestBeans.properties())).isEmpty();
    }

    @Test
    void filesAreListedInLoadOrder() {
        Path common = TestBeans.commonRoutes();
        assertThat(RouteSet.files(List.of(common))).containsExactly(
                common.resolve("actions.camel.yaml"), common.resolve("commands.camel.yaml"),
                common.resolve("engine.camel.yaml"), common.resolve("errors.camel.yaml"));
    }

    private String routeInput(String routeId) {
        return ((ModelCamelContext) routes.context()).getRouteDefinition(routeId).getInput().getEndpointUri();
    }
}
