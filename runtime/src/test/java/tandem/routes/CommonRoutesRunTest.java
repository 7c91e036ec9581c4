package tandem.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.lang.management.ManagementFactory;
import java.util.List;
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

/**
 * The real routes/common, started once for the class with the timer replaced by a direct: endpoint
 * (STYLE: route tests), driven with synchronous requests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommonRoutesRunTest {
    private final TestBeans doubles = new TestBeans();
    private final ListAppender<ILoggingEvent> errors = new ListAppender<>();
    private LoadedRoutes routes;
    private ProducerTemplate template;

    @BeforeAll
    void start() throws Exception {
        routes = RouteSet.load("tandem-node1", List.of(TestBeans.commonRoutes()), doubles.beans(), TestBeans.properties());
        AdviceWith.adviceWith(routes.context(), "engine-tick", route -> route.replaceFromWith("direct:engine-tick"));
        routes.start();
        template = routes.context().createProducerTemplate();
    }

    @AfterAll
    void stop() {
        routes.close();
    }

    @BeforeEach
    void captureErrors() {
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
    void commandRouteSubmitsItsNameAndRepliesWithTheAnswer(String endpoint, String name) {
        Object answer = template.requestBody(endpoint, "anything the caller sent");

        assertThat(answer).isEqualTo("accepted " + name);
        assertThat(doubles.commands.submitted).last().isEqualTo(name);
    }

    @Test
    void actionRoutePerformsTheRequestAndRepliesWithTheResult() {
        Object result = template.requestBody("direct:action", "vip-up");

        assertThat(result).isEqualTo("done vip-up");
        assertThat(doubles.actions.performed).last().isEqualTo("vip-up");
    }

    @Test
    void aFailingBeanIsHandledByTheSharedErrorHandlerAndTheRouteKeepsWorking() {
        Object failed = template.requestBody("direct:action", TestBeans.FAIL);

        assertThat(failed).isEqualTo("route action-perform failed: actions bean broke on fail");
        assertThat(errors.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.ERROR);
            assertThat(event.getFormattedMessage())
                    .startsWith("route action-perform failed: actions bean broke on fail")
                    .contains("java.lang.IllegalStateException", "at tandem.routes.TestBeans$Actions.perform");
        });
        assertThat(template.requestBody("direct:action", "next")).isEqualTo("done next");
    }

    @Test
    void observationsReachTheEngine() {
        // request-reply on SEDA waits for the single consumer to finish: no polling needed
        template.requestBody("seda:tandem-observations", "peer heartbeat");

        assertThat(doubles.engine.observed).containsExactly("peer heartbeat");
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
        assertThat(RouteSet.validate("tandem-node1", List.of(TestBeans.commonRoutes()), doubles.beans(), TestBeans.properties()))
                .isEmpty();
        assertThat(routes.context().getRouteController().getRouteStatus("command-stop").isStarted()).isTrue();
    }

    @Test
    void aSecondContextWithTheSameNameLoadsButRefusesToStart() throws Exception {
        // a reload loads the new set while the old one runs, then must close the old one before start()
        try (LoadedRoutes second = RouteSet.load(
                "tandem-node1", List.of(TestBeans.commonRoutes()), new TestBeans().beans(), TestBeans.properties())) {
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

    private static Logger routesLogger() {
        return (Logger) LoggerFactory.getLogger("tandem.routes");
    }
}
