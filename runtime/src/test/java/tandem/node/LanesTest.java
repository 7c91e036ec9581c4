package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;
import tandem.routes.Catalogue;

/** The engine's ActionPort on a node: each request to the lane its route names, or failed at once. */
class LanesTest {
    private static final Path FILE = Path.of("routes", "common", "actions.camel.yaml");
    private static final Catalogue CATALOGUE = new Catalogue(Map.of(
            "vip-up", new Catalogue.Action("vip-up", "actions", FILE, 1, List.of()),
            "vip-down", new Catalogue.Action("vip-down", "actions", FILE, 9, List.of()),
            "resync", new Catalogue.Action("resync", "sync", FILE, 17, List.of())), Map.of());

    private final List<Object> observed = new CopyOnWriteArrayList<>();
    private final Lanes lanes = new Lanes(observed::add, () -> 1234);
    private CamelContext camel;

    @BeforeEach
    void camel() {
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    private List<String> queued(String lane) {
        return camel.getEndpoint(Catalogue.laneEndpoint(lane), SedaEndpoint.class).getExchanges().stream()
                .map(Exchange::getMessage).map(m -> m.getBody(ActionRequest.class).action()).toList();
    }

    @Test
    void anActionNoRouteCarriesFailsAtOnceSayingSoAndNeverReachesCamel() {
        lanes.attach(CATALOGUE, camel.createProducerTemplate());

        lanes.perform(new ActionRequest("mail-resource-failed", "Site rule", "proc.app failed", 3));

        assertThat(observed).containsExactly(new ActionResult("mail-resource-failed", false,
                "no route carries action \"mail-resource-failed\" (no route action-mail-resource-failed in the node's"
                        + " route folders)", 1234));
        assertThat(queued("actions")).isEmpty();
    }

    @Test
    void eachRequestGoesToTheLaneItsRouteNamesAndEarlyOnesWaitInOrder() {
        lanes.perform(new ActionRequest("vip-down", "r", "why", 1));
        lanes.perform(new ActionRequest("resync", "r", "why", 1));
        lanes.perform(new ActionRequest("vip-up", "r", "why", 1));
        assertThat(queued("actions")).as("nothing goes before the routes run").isEmpty();

        lanes.attach(CATALOGUE, camel.createProducerTemplate());
        lanes.perform(new ActionRequest("vip-down", "r", "why", 2));

        assertThat(queued("actions")).containsExactly("vip-down", "vip-up", "vip-down");
        assertThat(queued("sync")).containsExactly("resync");
        assertThat(observed).isEmpty();
    }

    @Test
    void aRouteThatSucceedsWhenTriedAgainGivesItsOwnResultAndOneThatFailsForGoodAFailedOne() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        camel.addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("direct:action-flaky")
                        .onException(IllegalStateException.class).maximumRedeliveries(2).redeliveryDelay(0)
                        .handled(true).setBody(constant("route action-flaky failed")).end()
                        .process(e -> {
                            if (calls.incrementAndGet() == 1) {
                                throw new IllegalStateException("refused once");
                            }
                            e.getMessage().setBody(new ActionResult("flaky", true, "sent on attempt 2", 7));
                        });
                from("direct:action-broken")
                        .onException(Exception.class).handled(true)
                        .setBody(simple("route ${routeId} failed: ${exception.message}")).end()
                        .process(e -> {
                            throw new IllegalStateException("down");
                        });
                from("direct:lane-flaky").enrich("direct:action-flaky", lanes, true);
                from("direct:lane-broken").enrich("direct:action-broken", lanes, true);
            }
        });
        var template = camel.createProducerTemplate();

        assertThat(template.requestBody("direct:lane-flaky", new ActionRequest("flaky", "r", "why", 1)))
                .as("the caught exception of the first attempt is no failure of the route")
                .isEqualTo(new ActionResult("flaky", true, "sent on attempt 2", 7));
        assertThat(calls).hasValue(2);
        assertThat(template.requestBody("direct:lane-broken", new ActionRequest("broken", "r", "why", 1)))
                .isEqualTo(new ActionResult("broken", false, "route action-broken failed: down", 1234));
    }
}
