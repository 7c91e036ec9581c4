package tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static tandem.cli.MainTest.tandem;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.sim.SimFixtures;

/** {@code tandem simulate} as a user runs it: several scenarios at once, and runs that stop early. */
class SimulateTest {

    @TempDir
    Path tmp;

    @Test
    void severalScenariosRunInTurnAndTheRunFailsWhenOneFails() {
        String crash = SimFixtures.msScenario("primary-crash.yaml").toString();
        String swap = SimFixtures.msScenario("swap.yaml").toString();
        SimFixtures.copyConfigs(tmp.resolve("cfg"), "");
        Path wrong = SimFixtures.write(tmp.resolve("wrong.yaml"), """
                description: one expectation is wrong
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                steps:
                  - {at: 0s, start: [node1, node2]}
                until: 30s
                expect:
                  - {at: 30s, node: node2, state: ALONE}
                """);

        MainTest.Cli r = tandem("simulate", crash, "--scenario", wrong.toString(), swap);

        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        // each scenario's events follow a line naming its file
        assertThat(r.outLines()).filteredOn(l -> l.startsWith("# ")).containsExactly("# " + crash, "# " + wrong, "# " + swap);
        assertThat(r.outLines().get(0)).isEqualTo("# " + crash);
        assertThat(r.errLines()).as(r.toString())
                .anyMatch(l -> l.matches("\\Q" + crash + "\\E: passed, (\\d+) of \\1 expectations met"))
                .contains(wrong + ": FAILED, 0 of 1 expectations met")
                .anyMatch(l -> l.matches("\\Q" + swap + "\\E: passed, (\\d+) of \\1 expectations met"));
        assertThat(r.errLines()).last().isEqualTo("2 of 3 scenarios passed");
    }

    @Test
    void severalScenariosWithJsonNameTheirFileInAnObject() {
        String normal = SimFixtures.msScenario("normal-start.yaml").toString();
        String swap = SimFixtures.msScenario("swap.yaml").toString();

        MainTest.Cli r = tandem("simulate", "--json", normal, swap);

        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.outLines()).filteredOn(l -> l.startsWith("{\"scenario\":"))
                .containsExactly("{\"scenario\":\"" + normal + "\"}", "{\"scenario\":\"" + swap + "\"}");
        assertThat(r.outLines()).allMatch(l -> l.startsWith("{\"scenario\":") || l.startsWith("{\"t\":"));
        assertThat(r.errLines()).last().isEqualTo("2 of 2 scenarios passed");
    }

    @Test
    void afterARuleLoopsEveryExpectationIsCountedAndTheOnesNotReachedAreListed() {
        SimFixtures.copyConfigs(tmp.resolve("cfg"), "\nextensions:\n  rules: [site-rules]\n");
        SimFixtures.write(tmp.resolve("cfg/site-rules/loop.drl"), SimFixtures.LOOPING_RULES);
        Path scenario = SimFixtures.write(tmp.resolve("loop.yaml"), """
                description: an extension rule that never stops
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                steps:
                  - {at: 5s, start: [node1, node2]}
                until: 60s
                expect:
                  - {at: 30s, node: node1, state: PRIM}
                  - {at: 60s, node: node1, state: PRIM}
                  - {at: 60s, node: node2, state: SECOND}
                """);

        MainTest.Cli r = tandem("simulate", "--scenario", scenario.toString());

        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.errLines()).as(r.toString()).containsSubsequence(
                "   30.000 expect node1 state PRIM: FAILED, not reached: the run stopped at 5.000 s",
                "   60.000 expect node1 state PRIM: FAILED, not reached: the run stopped at 5.000 s",
                "   60.000 expect node2 state SECOND: FAILED, not reached: the run stopped at 5.000 s");
        assertThat(r.errLines()).anyMatch(l -> l.startsWith("simulation stopped: node1 at 5.000 s: ")
                && l.contains("rule \"Loop\" keeps re-firing"));
        assertThat(r.errLines()).last().isEqualTo(scenario + ": FAILED, 0 of 3 expectations met");
    }

    @Test
    void anActionNoRouteCarriesFailsTheRunAndTheTextSaysTheDecisionsReason() {
        SimFixtures.copyConfigs(tmp.resolve("cfg"), "\nextensions:\n  rules: [site-rules]\n");
        SimFixtures.write(tmp.resolve("cfg/site-rules/mail.drl"), """
                package site.rules;

                import tandem.facts.*;

                rule "Mail when a resource fails"
                when
                    LocalNode(state == NodeState.PRIM)
                then
                    insert(Decision.by(drools).act("mail-resource-failed").because("a site's own words"));
                end
                """);
        Path scenario = SimFixtures.write(tmp.resolve("mail.yaml"), """
                description: a site rule asks for an action no route carries
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                steps:
                  - {at: 0s, start: [node1, node2]}
                until: 10s
                """);

        MainTest.Cli r = tandem("simulate", scenario.toString());

        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.outLines()).contains(
                "    3.000 node1 action mail-resource-failed  (rule \"Mail when a resource fails\": a site's own words)");
        assertThat(r.errLines()).as(r.toString()).anyMatch(l -> l.startsWith("simulation stopped: node1 at 3.000 s: ")
                && l.contains("rule \"Mail when a resource fails\" asks for action \"mail-resource-failed\", which no route"
                + " carries: no route action-mail-resource-failed in "));
        assertThat(r.errLines()).last().isEqualTo(scenario + ": FAILED, 0 of 0 expectations met");
    }

    @Test
    void noScenarioIsAUsageError() {
        MainTest.Cli r = tandem("simulate", "--json");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--scenario FILE is required").contains("usage: tandem");
    }
}
