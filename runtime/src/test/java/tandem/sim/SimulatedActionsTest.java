package tandem.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Actions in the simulation are the routes of the node's catalogue: a site action is simulated by what
 * its route calls, whatever its name, and an action no route carries stops the run.
 */
class SimulatedActionsTest {

    @TempDir
    Path tmp;

    /** A site rule that acts once the node is PRIM, and once more when that action's result comes back. */
    private static final String PAGE_RULES = """
            package site.rules;

            import tandem.facts.*;

            declare Paged
            end

            rule "Page the on-call engineer when primary"
            when
                LocalNode(state == NodeState.PRIM)
                not Paged()
            then
                insert(new Paged());
                insert(Decision.by(drools).act("%s").because("this node became primary"));
            end

            rule "Log that the page went out"
            when
                ActionResult(action == "%s", ok == true)
            then
                insert(Decision.by(drools).act("page-logged").because("the page went out"));
            end
            """;

    /** Route steps that call no bean the simulation models: a mail through a Camel component. */
    private static final String SITE_ROUTES = """
            - route:
                id: action-page-oncall
                routeConfigurationId: tandem-errors
                from:
                  uri: direct:action-page-oncall
                  steps:
                    - to:
                        uri: "smtp://mail.example.com?to=oncall@example.com"
            - route:
                id: action-page-logged
                routeConfigurationId: tandem-errors
                from:
                  uri: direct:action-page-logged
                  steps:
                    - to:
                        uri: "log:site"
            - route:
                id: action-power-cycle-peer
                routeConfigurationId: tandem-errors
                from:
                  uri: direct:action-power-cycle-peer
                  steps:
                    - bean:
                        ref: fencing
                        method: fence
            """;

    @BeforeEach
    void site() {
        SimFixtures.copyConfigs(tmp.resolve("cfg"), "\nextensions:\n  rules: [site-rules]\n  routes: [site-routes]\n");
        SimFixtures.write(tmp.resolve("cfg/site-routes/site.camel.yaml"), SITE_ROUTES);
    }

    private Path scenario(String name, String extraKeys) {
        return SimFixtures.write(tmp.resolve(name), """
                description: a site action
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                %s
                steps:
                  - {at: 0s, start: [node1, node2]}
                until: 10s
                expect:
                  - {at: 10s, node: node1, state: PRIM, did: [page-oncall, page-logged]}
                """.formatted(extraKeys));
    }

    @Test
    void aSiteActionWhoseRouteCallsNoModelledBeanSucceedsAfterTheDefaultDuration() {
        SimFixtures.write(tmp.resolve("cfg/site-rules/page.drl"), PAGE_RULES.formatted("page-oncall", "page-oncall"));

        SimFixtures.Run instant = SimFixtures.run(scenario("instant.yaml", ""));
        SimFixtures.Run slow = SimFixtures.run(scenario("slow.yaml", "default-duration: 4s"));
        SimFixtures.Run named = SimFixtures.run(scenario("named.yaml", "default-duration: 4s\ndurations: {page-oncall: 1s}"));

        // node1 pairs up (PRIM) when node2's resync ends, at 3 s
        for (SimFixtures.Run r : java.util.List.of(instant, slow, named)) {
            assertThat(r.result().passed()).as(r.report()).isTrue();
            assertThat(r.text()).as(r.report()).anyMatch(l -> l.startsWith("    3.000 node1 action page-oncall  (rule \"Page"
                    + " the on-call engineer when primary\": this node became primary)"));
        }
        // the result came back ok after the default duration (0 s unless the scenario sets it) ...
        assertThat(instant.text()).anyMatch(l -> l.startsWith("    3.000 node1 action page-logged  (rule \"Log that the page"
                + " went out\""));
        assertThat(slow.text()).anyMatch(l -> l.startsWith("    7.000 node1 action page-logged  (rule"));
        // ... or after the duration the scenario gives the action by name
        assertThat(named.text()).anyMatch(l -> l.startsWith("    4.000 node1 action page-logged  (rule"));
    }

    @Test
    void aSiteActionDoesWhatTheBeansItsRouteCallsDo() {
        // a route that calls the fencing bean fences the peer, whatever the action is called
        SimFixtures.write(tmp.resolve("cfg/site-rules/page.drl"),
                PAGE_RULES.formatted("power-cycle-peer", "power-cycle-peer"));
        Path file = SimFixtures.write(tmp.resolve("fence.yaml"), """
                description: a site action that calls a modelled bean
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                steps:
                  - {at: 0s, start: [node1, node2]}
                until: 10s
                expect:
                  - {at: 10s, node: node1, state: PRIM, did: [power-cycle-peer, page-logged]}
                """);

        SimFixtures.Run run = SimFixtures.run(file);

        assertThat(run.result().passed()).as(run.report()).isTrue();
        // fencing.fence takes 2 s in the simulated machine; the peer goes down as after a crash
        long fence = SimulatedMachine.TAKES.get("fencing.fence");
        String at = String.format(java.util.Locale.ROOT, "%9.3f", (3_000 + fence) / 1000.0);
        assertThat(run.text()).contains(at + " node2 log fenced by node1", at + " node2 log crashed");
        assertThat(run.text()).anyMatch(l -> l.startsWith(at + " node1 action page-logged  (rule"));
    }

    @Test
    void anActionNoRouteCarriesStopsTheRunNamingTheRuleAndTheAction() {
        Path drl = SimFixtures.write(tmp.resolve("cfg/site-rules/page.drl"),
                PAGE_RULES.formatted("mail-resource-failed", "mail-resource-failed"));

        SimFixtures.Run run = SimFixtures.run(scenario("missing.yaml", ""));

        assertThat(run.result().passed()).isFalse();
        String why = drl.toAbsolutePath().normalize() + ": rule \"Page the on-call engineer when primary\" asks for action"
                + " \"mail-resource-failed\", which no route carries: no route action-mail-resource-failed in "
                + SimFixtures.home().resolve("routes/common");
        assertThat(run.result().fatal()).as(run.report()).startsWith("node1 at 3.000 s: " + why);
        assertThat(run.text()).anyMatch(l -> l.startsWith("    3.000 node1 log engine stopped: " + why));
        // nothing runs after it, and the expectation it kept from being checked is unmet
        assertThat(run.result().events()).allMatch(e -> e.t() <= 3_000);
        assertThat(run.result().expectations()).singleElement().satisfies(x -> {
            assertThat(x.met()).isFalse();
            assertThat(x.reached()).isFalse();
        });
    }
}
