package tandem.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The simulation itself: determinism, the output contract, and how each kind of step behaves. */
class SimulationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TEXT_LINE = Pattern.compile("^\\s*\\d+\\.\\d{3} \\S+ (state|data|action|log|mail) .*");
    private static final Pattern JSON_T = Pattern.compile("^\\{\"t\":\\d+\\.\\d{3},\"node\":.*");
    private static final List<String> JSON_FIELDS = List.of("t", "node", "kind", "from", "to", "action", "rule", "reason");

    @TempDir
    Path tmp;

    // --- determinism and the output contract -----------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"primary-crash.yaml", "partition-witness.yaml", "functional-test.yaml"})
    void sameScenarioTwiceGivesByteIdenticalOutput(String name) {
        Path file = SimFixtures.msScenario(name);

        SimFixtures.Run first = SimFixtures.run(file);
        SimFixtures.Run second = SimFixtures.run(file);

        assertThat(first.text()).isNotEmpty();
        assertThat(second.textOutput().getBytes(StandardCharsets.UTF_8))
                .isEqualTo(first.textOutput().getBytes(StandardCharsets.UTF_8));
        assertThat(second.jsonOutput().getBytes(StandardCharsets.UTF_8))
                .isEqualTo(first.jsonOutput().getBytes(StandardCharsets.UTF_8));
        assertThat(second.result().expectations().stream().map(Simulation.ExpectResult::text).toList())
                .isEqualTo(first.result().expectations().stream().map(Simulation.ExpectResult::text).toList());
        // the result holds exactly what the sink saw, in the same order
        assertThat(first.result().events().stream().map(SimEvent::text).toList()).isEqualTo(first.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"primary-crash.yaml", "partition.yaml", "operator-stop.yaml"})
    void everyTextLineFollowsTheContract(String name) {
        SimFixtures.Run run = SimFixtures.run(SimFixtures.msScenario(name));

        assertThat(run.text()).isNotEmpty().allSatisfy(line -> assertThat(line).matches(TEXT_LINE));
        // times never go back
        List<Long> ts = run.result().events().stream().map(SimEvent::t).toList();
        assertThat(ts).isSorted();
    }

    @ParameterizedTest
    @ValueSource(strings = {"primary-crash.yaml", "partition.yaml", "operator-stop.yaml"})
    void everyJsonLineHasExactlyTheContractFieldsInOrder(String name) throws Exception {
        SimFixtures.Run run = SimFixtures.run(SimFixtures.msScenario(name));
        List<SimEvent> events = run.result().events();
        assertThat(run.json()).hasSameSizeAs(events).isNotEmpty();

        for (int i = 0; i < events.size(); i++) {
            String line = run.json().get(i);
            SimEvent e = events.get(i);
            assertThat(line).as("one line per event").doesNotContain("\n").matches(JSON_T);

            JsonNode o = JSON.readTree(line);
            List<String> fields = new ArrayList<>();
            o.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).as(line).containsExactlyElementsOf(JSON_FIELDS);

            assertThat(o.get("t").isNumber()).as(line).isTrue();
            assertThat(o.get("t").decimalValue()).as(line)
                    .isEqualByComparingTo(BigDecimal.valueOf(e.t()).movePointLeft(3));
            assertThat(o.get("node").asText()).isEqualTo(e.node());
            String kind = o.get("kind").asText();
            assertThat(kind).isIn("state", "data", "action", "log", "mail");
            switch (kind) {
                case "state", "data" -> {
                    assertThat(o.get("from").isTextual()).as(line).isTrue();
                    assertThat(o.get("to").isTextual()).as(line).isTrue();
                    assertThat(o.get("action").isNull()).as(line).isTrue();
                    assertThat(o.get("rule").isTextual()).as("a change names its rule: " + line).isTrue();
                }
                case "action" -> {
                    assertThat(o.get("action").isTextual()).as(line).isTrue();
                    assertThat(o.get("from").isNull()).as(line).isTrue();
                    assertThat(o.get("to").isNull()).as(line).isTrue();
                }
                default -> {
                    assertThat(o.get("from").isNull()).as(line).isTrue();
                    assertThat(o.get("to").isNull()).as(line).isTrue();
                }
            }
            assertThat(o.get("reason").isTextual()).as(line).isTrue();
        }
    }

    @Test
    void stateLineAndItsJsonTwinFromPrimaryCrash() throws Exception {
        SimFixtures.Run run = SimFixtures.run(SimFixtures.msScenario("primary-crash.yaml"));

        String decided = "  149.000 node2 state SECOND -> ALONE  (rule \"Secondary takes over when the primary is silent\"";
        int i = indexOfDecided(run.text(), decided);
        assertThat(i).as(run.textOutput()).isNotNegative();

        JsonNode o = JSON.readTree(run.json().get(i));
        assertThat(run.json().get(i)).startsWith("{\"t\":149.000,\"node\":\"node2\",\"kind\":\"state\",\"from\":\"SECOND\",\"to\":\"ALONE\",\"action\":null,");
        assertThat(o.get("rule").asText()).isEqualTo("Secondary takes over when the primary is silent");
        assertThat(o.get("reason").asText()).isNotBlank();
        // the text line says the decision's reason too, so an edited reason shows without --json
        assertThat(run.text().get(i)).isEqualTo(decided + ": " + o.get("reason").asText() + ")");
        // the boot lines at time zero are padded to the same width
        assertThat(run.text().get(0)).startsWith("    0.000 node1 log boot: ");
    }

    // --- expectations ----------------------------------------------------------------------------

    @Test
    void failingExpectationFailsTheRunAndSaysWhatTheNodeWas() {
        SimFixtures.copyConfigs(tmp.resolve("cfg"), "");
        Path scenario = SimFixtures.write(tmp.resolve("scen/wrong.yaml"), """
                description: expects a takeover that cannot have happened yet
                nodes:
                  node1: ../cfg/node1.yaml
                  node2: ../cfg/node2.yaml
                steps:
                  - {at: 0s, start: [node1, node2]}
                until: 60s
                expect:
                  - {at: 30s, node: node1, state: PRIM}
                  - {at: 30s, node: node2, state: ALONE, data: uptodate}
                """);

        SimFixtures.Run run = SimFixtures.run(scenario);

        assertThat(run.result().fatal()).isNull();
        assertThat(run.result().passed()).isFalse();
        assertThat(run.result().expectations()).hasSize(2);
        Simulation.ExpectResult ok = run.result().expectations().get(0);
        Simulation.ExpectResult bad = run.result().expectations().get(1);
        assertThat(ok.met()).isTrue();
        assertThat(ok.text()).isEqualTo("   30.000 expect node1 state PRIM: ok");
        assertThat(bad.met()).isFalse();
        assertThat(bad.actual()).isEqualTo("SECOND, uptodate, services stopped");
        assertThat(bad.text()).isEqualTo(
                "   30.000 expect node2 state ALONE data uptodate: FAILED, was SECOND, uptodate, services stopped");
    }

    // --- paths and names -------------------------------------------------------------------------

    @Test
    void pathsAreRelativeToTheScenarioFileAndOutputUsesTheScenarioNames() {
        SimFixtures.copyConfigs(tmp.resolve("site/configs"), "");
        Path scenario = SimFixtures.write(tmp.resolve("site/tests/deep/boot.yaml"), """
                description: relative paths
                nodes:
                  alpha: ../../configs/node1.yaml
                  beta: ../../configs/node2.yaml
                steps:
                  - {at: 0s, start: [alpha, beta]}
                until: 30s
                expect:
                  - {at: 30s, node: alpha, state: PRIM, data: uptodate, services: running}
                  - {at: 30s, node: beta, state: SECOND, data: uptodate, services: stopped}
                """);

        Scenario s = ScenarioParser.load(scenario);
        assertThat(s.nodes()).containsOnlyKeys("alpha", "beta");
        assertThat(s.nodes().get("alpha")).isEqualTo(tmp.resolve("site/configs/node1.yaml").toAbsolutePath().normalize());
        assertThat(s.nodes().get("beta")).isEqualTo(tmp.resolve("site/configs/node2.yaml").toAbsolutePath().normalize());

        SimFixtures.Run run = SimFixtures.run(s);

        assertThat(run.result().passed()).as(run.report()).isTrue();
        assertThat(run.result().events()).extracting(SimEvent::node).containsOnly("alpha", "beta");
        assertThat(indexOfDecided(run.text(), "    0.000 alpha state WAIT -> ALONE  (rule \"Booting pair elects the node with the newest data\""))
                .as(run.textOutput()).isNotNegative();
        assertThat(run.text()).noneMatch(l -> l.contains(" node1 ") || l.contains(" node2 state"));
    }

    // --- durations -------------------------------------------------------------------------------

    @Test
    void actionDurationsFromTheScenarioAreHonoured() {
        SimFixtures.copyConfigs(tmp.resolve("cfg"), "");
        Path scenario = SimFixtures.write(tmp.resolve("slow.yaml"), """
                description: slow services and a slow resync
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                durations:
                  start-services: 20s
                  resync: 7s
                steps:
                  - {at: 0s, start: [node1, node2]}
                until: 40s
                expect:
                  - {at: 19s, node: node1, services: running}
                  - {at: 20s, node: node1, services: running}
                  - {at: 6s, node: node2, data: uptodate}
                  - {at: 7s, node: node2, data: uptodate}
                """);

        Scenario s = ScenarioParser.load(scenario);
        assertThat(s.durations()).containsOnly(entry("start-services", 20_000L), entry("resync", 7_000L));

        SimFixtures.Run run = SimFixtures.run(s);

        assertThat(run.result().fatal()).isNull();
        assertThat(run.result().expectations()).extracting(Simulation.ExpectResult::met)
                .as(run.report()).containsExactly(false, true, false, true);
        // sorted by time: 6s, 7s, 19s, 20s
        List<Simulation.ExpectResult> xs = run.result().expectations();
        assertThat(xs.get(0).expect().at()).isEqualTo(6_000);
        assertThat(xs.get(0).actual()).contains("not uptodate");
        assertThat(xs.get(2).expect().at()).isEqualTo(19_000);
        assertThat(xs.get(2).actual()).endsWith("services starting");
        assertThat(xs.get(3).met()).isTrue();
        assertThat(indexOfDecided(run.text(), "    7.000 node2 data not uptodate -> uptodate  (rule \"Secondary is uptodate after the resync\""))
                .as(run.textOutput()).isNotNegative();
        assertThat(run.text()).noneMatch(l -> l.startsWith("    3.000 node2 data"));
    }

    @Test
    void withoutDurationsAnActionTakesWhatTheBeanStepsOfItsRouteTake() {
        SimFixtures.Run run = SimFixtures.run(SimFixtures.msScenario("simultaneous-boot.yaml"));

        assertThat(ScenarioParser.load(SimFixtures.msScenario("simultaneous-boot.yaml")).durations()).isEmpty();
        // the resync route calls replication.resync
        long resync = SimulatedMachine.TAKES.get("replication.resync");
        assertThat(resync).isPositive();
        assertThat(indexOfDecided(run.text(), String.format(java.util.Locale.ROOT,
                "%9.3f node2 data not uptodate -> uptodate  (rule \"Secondary is uptodate after the resync\"", resync / 1000.0)))
                .as(run.textOutput()).isNotNegative();
    }

    // --- the network -----------------------------------------------------------------------------

    @Test
    void partitionCutsTheLinkAndHealRestoresIt() {
        SimFixtures.Run run = SimFixtures.run(SimFixtures.msScenario("partition.yaml"));

        assertThat(run.text()).contains("  100.000 net log partition node1 / node2", "  200.000 net log heal node1 / node2");
        // nothing changes while heartbeats are merely missing; both go ALONE once the last one
        // (sent at 99 s) is older than the failover timeout (30 s)
        List<SimEvent> states = run.result().events().stream().filter(e -> e.event().kind().equals("state")).toList();
        assertThat(states).filteredOn(e -> e.t() > 100_000 && e.t() < 129_000).isEmpty();
        assertThat(states).filteredOn(e -> e.t() == 129_000).extracting(e -> e.node() + " " + e.event().to())
                .containsExactlyInAnyOrder("node1 ALONE", "node2 ALONE");
        // only the heal brings the nodes back together
        assertThat(states).filteredOn(e -> e.t() > 129_000 && e.t() < 200_000).isEmpty();
        assertThat(states).filteredOn(e -> e.t() >= 200_000).isNotEmpty();
        assertThat(run.result().passed()).as(run.report()).isTrue();
    }

    @Test
    void partitionAndHealAreSymmetricInTheirArguments() {
        SimFixtures.copyConfigs(tmp.resolve("cfg"), "");
        Path scenario = SimFixtures.write(tmp.resolve("cut.yaml"), """
                description: cut named one way, healed the other way
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                steps:
                  - {at: 0s, start: [node1, node2]}
                  - {at: 50s, partition: [node2, node1]}
                  - {at: 60s, heal: [node1, node2]}
                until: 120s
                expect:
                  - {at: 120s, node: node1, state: PRIM, data: uptodate}
                  - {at: 120s, node: node2, state: SECOND, data: uptodate}
                """);

        SimFixtures.Run run = SimFixtures.run(scenario);

        assertThat(run.result().passed()).as(run.report()).isTrue();
        // healed before the failover timeout: no role changed after boot
        assertThat(run.result().events()).filteredOn(e -> e.t() > 10_000 && !e.node().equals("net")).isEmpty();
    }

    // --- crash and restart -----------------------------------------------------------------------

    @Test
    void crashedNodeIsDownUntilItRestarts() {
        SimFixtures.copyConfigs(tmp.resolve("cfg"), "");
        Path scenario = SimFixtures.write(tmp.resolve("crash.yaml"), """
                description: crash, things done to a dead node, restart
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                steps:
                  - {at: 0s, start: [node1, node2]}
                  - {at: 60s, crash: node1}
                  - {at: 70s, crash: node1}
                  - {at: 71s, command: {node: node1, name: start}}
                  - {at: 72s, write: {node: node1, path: db/data.bin, bytes: 10}}
                  - {at: 120s, restart: node1}
                  - {at: 121s, start: node1}
                until: 150s
                expect:
                  - {at: 60s, node: node1, state: PRIM}
                  - {at: 60s, node: node2, state: SECOND}
                  - {at: 119s, node: node1, state: STOP}
                  - {at: 119s, node: node2, state: ALONE, services: running}
                  - {at: 130s, node: node1, state: SECOND, data: uptodate, services: stopped}
                  - {at: 130s, node: node2, state: PRIM, data: uptodate, services: running}
                """);

        SimFixtures.Run run = SimFixtures.run(scenario);

        assertThat(run.result().fatal()).isNull();
        assertThat(run.result().expectations()).extracting(Simulation.ExpectResult::met)
                .as(run.report()).containsExactly(false, true, false, true, true, true);
        Simulation.ExpectResult atCrash = run.result().expectations().get(0);
        assertThat(atCrash.actual()).isEqualTo("down");
        assertThat(atCrash.text()).isEqualTo("   60.000 expect node1 state PRIM: FAILED, was down");
        assertThat(run.result().expectations().get(2).actual()).isEqualTo("down");

        assertThat(run.text()).contains(
                "   60.000 node1 log crashed",
                "   70.000 node1 log crash ignored: the node is down",
                "   71.000 node1 log command start not delivered: the node is down",
                "   72.000 node1 log write to db/data.bin lost: the node is down",
                "  121.000 node1 log start ignored: the node is running");
        // the survivor takes over 30 s after the last heartbeat it heard (59 s)
        assertThat(indexOfDecided(run.text(), "   89.000 node2 state SECOND -> ALONE  (rule \"Secondary takes over when the primary is silent\""))
                .as(run.textOutput()).isNotNegative();
        // a node that died paired comes back not uptodate: its peer may have gone on alone (the rules say so
        // at once, from what the node saved before it died)
        assertThat(run.text()).anyMatch(l -> l.startsWith("  120.000 node1 log boot: WAIT, data uptodate, generation 1 (last PRIM)"));
        int notUptodate = indexOfDecided(run.text(),
                "  120.000 node1 data uptodate -> not uptodate  (rule \"A node that died while paired boots not uptodate\"");
        int joins = indexOfDecided(run.text(),
                "  120.000 node1 state WAIT -> SECOND  (rule \"Waiting node joins the active peer as secondary\"");
        assertThat(notUptodate).as(run.textOutput()).isNotNegative();
        assertThat(joins).as(run.textOutput()).isGreaterThan(notUptodate);
        // a dead node says nothing between its crash and its restart
        assertThat(run.result().events()).filteredOn(e -> e.node().equals("node1") && e.t() > 60_000 && e.t() < 120_000)
                .allMatch(e -> e.event().kind().equals("log") && e.event().rule() == null);
    }

    // --- a stop or a swap while the peer leaves ---------------------------------------------------

    @Test
    void aStoppingPrimaryWhoseSecondaryDiesBeforeItsLastCycleStopsAfterTheFailoverTimeout() {
        SimFixtures.copyConfigs(tmp.resolve("cfg"), "");
        Path scenario = SimFixtures.write(tmp.resolve("stop-crash.yaml"), """
                description: the primary is stopped, its secondary dies in the same second
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                durations: {final-sync: 600s}
                steps:
                  - {at: 0s, start: [node1, node2]}
                  - {at: 60s, command: {node: node1, name: stop}}
                  - {at: 60s, crash: node2}
                until: 200s
                expect:
                  - {at: 88s, node: node1, state: PRIM, services: running}
                  - {at: 95s, node: node1, state: STOP, data: uptodate, services: stopped, did: [stop-services, vip-down]}
                """);

        SimFixtures.Run run = SimFixtures.run(scenario);

        assertThat(run.failed()).as(run.report()).isEmpty();
        // the last cycle never ends (the standby is dead): the silence of the failover timeout decides
        assertThat(indexOfDecided(run.text(), "   89.000 node1 state PRIM -> WAIT  (rule \"Stopping primary stops its services"
                + " when the secondary falls silent\"")).as(run.textOutput()).isNotNegative();
        assertThat(run.result().events()).filteredOn(e -> e.t() >= 60_000)
                .noneMatch(e -> "state".equals(e.event().kind()) && "ALONE".equals(e.event().to()));
    }

    @Test
    void aSwapRacingTheSecondarysStopLeavesThePrimaryServingAlone() {
        SimFixtures.copyConfigs(tmp.resolve("cfg"), "");
        Path scenario = SimFixtures.write(tmp.resolve("swap-stop.yaml"), """
                description: swap on the primary while its secondary is stopped in the same second
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                steps:
                  - {at: 0s, start: [node1, node2]}
                  - {at: 60s, command: {node: node1, name: swap}}
                  - {at: 60s, command: {node: node2, name: stop}}
                until: 120s
                expect:
                  - {at: 120s, node: node1, state: ALONE, data: uptodate, services: running}
                  - {at: 120s, node: node2, state: STOP, services: stopped}
                """);

        SimFixtures.Run run = SimFixtures.run(scenario);

        // nobody to hand the role to: the swap does not happen and the services keep running
        assertThat(run.failed()).as(run.report()).isEmpty();
        assertThat(run.result().events()).filteredOn(e -> e.node().equals("node1"))
                .noneMatch(e -> "stop-services".equals(e.event().action()));
    }

    @Test
    void runStopsAtUntil() {
        SimFixtures.copyConfigs(tmp.resolve("cfg"), "");
        Path scenario = SimFixtures.write(tmp.resolve("short.yaml"), """
                description: ends before the services are up
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                steps:
                  - {at: 0s, start: [node1, node2]}
                until: 2s
                expect:
                  - {at: 2s, node: node1, state: ALONE}
                """);

        SimFixtures.Run run = SimFixtures.run(scenario);

        assertThat(run.result().events()).isNotEmpty().allMatch(e -> e.t() <= 2_000);
        assertThat(run.result().expectations()).hasSize(1);
        assertThat(run.result().passed()).as(run.report()).isTrue();
    }

    // --- rules that loop -------------------------------------------------------------------------

    // "Loop" constrains Spin.n, so with property reactivity its own modify of n wakes it again: it
    // fires until the engine's bound stops it (an unconstrained Spin() would fire once and rest).

    @Test
    void ruleThatKeepsReFiringStopsTheSimulationAndIsNamed() {
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
                  - {at: 60s, node: node1, state: PRIM}
                """);

        SimFixtures.Run run = SimFixtures.run(scenario);

        assertThat(run.result().fatal()).isNotNull().contains("rule \"Loop\" keeps re-firing").startsWith("node1 at 5.000 s: ");
        assertThat(run.result().passed()).isFalse();
        assertThat(run.text()).anyMatch(l -> l.startsWith("    5.000 node1 log engine stopped: ")
                && l.contains("rule \"Loop\" keeps re-firing"));
        // nothing runs after the fatal error, and the expectations it kept from being checked are unmet
        assertThat(run.result().events()).allMatch(e -> e.t() == 5_000);
        assertThat(run.result().expectations()).singleElement().satisfies(x -> {
            assertThat(x.met()).isFalse();
            assertThat(x.reached()).isFalse();
            assertThat(x.text()).isEqualTo("   60.000 expect node1 state PRIM: FAILED, not reached: the run stopped at 5.000 s");
        });
    }

    // --- bounds ----------------------------------------------------------------------------------

    @Test
    void actionsThatGoRoundWithoutTimePassingStopTheSimulationAtTheStep() {
        // each ping's result (a site action: no virtual time) asks for the next one; as a routine decision
        // the loop guard does not count it, so the simulation's own limit stops the run
        SimFixtures.copyConfigs(tmp.resolve("cfg"), "\nextensions:\n  rules: [site-rules]\n  routes: [site-routes]\n");
        SimFixtures.write(tmp.resolve("cfg/site-routes/ping.camel.yaml"), """
                - route:
                    id: action-ping
                    routeConfigurationId: tandem-errors
                    from:
                      uri: direct:action-ping
                      steps:
                        - to:
                            uri: "log:site"
                """);
        SimFixtures.write(tmp.resolve("cfg/site-rules/again.drl"), """
                package site.rules;

                import tandem.facts.*;

                declare Asked
                end

                rule "First ping"
                when
                    LocalNode()
                    not Asked()
                then
                    insert(new Asked());
                    insert(Decision.by(drools).act("ping").because("first"));
                end

                rule "Ping again"
                when
                    ActionResult(action == "ping")
                    not Decision()
                then
                    insert(Decision.by(drools).act("ping").quietly().because("again"));
                end
                """);
        Path scenario = SimFixtures.write(tmp.resolve("again.yaml"), """
                description: an extension rule that asks for an action as soon as the last one ends
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                steps:
                  - {at: 5s, start: [node1, node2]}
                until: 60s
                """);

        SimFixtures.Run run = SimFixtures.run(scenario);

        assertThat(run.result().fatal()).as(run.report()).isNotNull()
                .startsWith(scenario + ":6: the step at 5.000 s ");
        assertThat(run.result().passed()).isFalse();
        assertThat(run.result().events()).hasSizeLessThanOrEqualTo(Simulation.MAX_EVENTS_PER_STEP)
                .allMatch(e -> e.t() == 5_000);
    }

    /**
     * The index of the line that starts with {@code decided}, a decided event up to its rule's name
     * (the decision's reason follows it), or -1.
     */
    private static int indexOfDecided(List<String> lines, String decided) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(decided + ": ") && lines.get(i).endsWith(")")) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aRuleThatActsOnEveryCycleIsSuspendedByTheLoopGuardAndTheSimulationGoesOn() {
        // every cycle asks for a test mail, and every mail's result (no virtual time) is a cycle: without
        // the loop guard this went round at 0 s until the simulation gave up
        SimFixtures.copyConfigs(tmp.resolve("cfg"), "\nextensions:\n  rules: [site-rules]\n"
                + "rules:\n  loop-guard: {actions: 5, within: 10s}\n");
        SimFixtures.write(tmp.resolve("cfg/site-rules/every.drl"), """
                package site.rules;

                import tandem.facts.*;

                rule "Test mail at every cycle"
                when
                    Tick()
                then
                    insert(Decision.by(drools).act("mail-test").because("again"));
                end
                """);
        Path scenario = SimFixtures.write(tmp.resolve("every.yaml"), """
                description: an extension rule that acts on every cycle
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                steps:
                  - {at: 0s, start: [node1, node2]}
                until: 60s
                expect:
                  - {at: 60s, node: node1, state: PRIM, data: uptodate, services: running}
                  - {at: 60s, node: node2, state: SECOND, data: uptodate, services: stopped}
                """);

        SimFixtures.Run run = SimFixtures.run(scenario);

        assertThat(run.result().fatal()).as(run.report()).isNull();
        assertThat(run.result().passed()).as(run.report()).isTrue();
        for (String node : List.of("node1", "node2")) {
            assertThat(run.result().events()).as(node)
                    .filteredOn(e -> e.node().equals(node) && "mail-test".equals(e.event().action()))
                    .as("asked for five times, then the rule is suspended").hasSize(5);
            assertThat(run.text()).anyMatch(l -> l.startsWith("    0.000 " + node + " log suspended: asked for action mail-test"
                    + " more than 5 times within 10s (rules.loop-guard); the rule fires no more  (rule \"Test mail at every cycle\""));
        }
    }
}
