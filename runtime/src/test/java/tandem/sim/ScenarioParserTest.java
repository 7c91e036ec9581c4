package tandem.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.ConfigException;
import tandem.facts.Activity;
import tandem.facts.DataState;
import tandem.facts.NodeState;

/**
 * Scenario files that cannot run: every problem is reported at once, each as {@code FILE:LINE: message};
 * and the problems only the node configurations reveal, reported by {@link Simulation#prepare}.
 */
class ScenarioParserTest {

    @TempDir
    Path tmp;

    /** The scenario file's name as errors show it. */
    private String f;
    private Path file;

    @BeforeEach
    void configs() {
        SimFixtures.copyConfigs(tmp.resolve("cfg"), "");
        file = tmp.resolve("scenario.yaml");
        f = file.toString();
    }

    private List<String> problems(String yaml) {
        SimFixtures.write(file, yaml);
        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> ScenarioParser.load(file));
        assertThat(e).as("expected a ScenarioException for:\n" + yaml).isNotNull();
        assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
        return e.problems();
    }

    private static final String NODES = """
            nodes:
              node1: cfg/node1.yaml
              node2: cfg/node2.yaml
            """;

    // --- a good file -----------------------------------------------------------------------------

    @Test
    void readsAWellFormedScenario() {
        SimFixtures.write(file, """
                description: all step kinds
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                durations: {start-services: 1s500ms}
                steps:
                  - {at: 500ms, write: {node: node1, path: db/x, bytes: 10}}
                  - {at: 0s, start: [node1, node2]}
                  - {at: 1m30s, crash: node1}
                  - {at: 2m, restart: node1}
                  - {at: 3m, command: {node: node2, name: swap}}
                  - {at: 4m, fail: {node: node2, resource: proc.event}}
                  - {at: 5m, recover: {node: node2, resource: proc.event}}
                  - {at: 6m, partition: [node1, witness]}
                  - {at: 7m, heal: [node1, witness]}
                until: 1h
                expect:
                  - {at: 1h, node: node2, state: PRIM, data: not uptodate, services: running}
                  - {at: 10s, node: node1, services: stopped}
                """);

        Scenario s = ScenarioParser.load(file);

        assertThat(s.description()).isEqualTo("all step kinds");
        assertThat(s.nodes().keySet()).containsExactly("node1", "node2");
        assertThat(s.durations()).containsEntry("start-services", 1_500L);
        assertThat(s.until()).isEqualTo(3_600_000L);
        assertThat(s.steps()).extracting(Scenario.Step::kind)
                .containsExactly("start", "write", "crash", "restart", "command", "fail", "recover", "partition", "heal");
        assertThat(s.steps().get(0).nodes()).containsExactly("node1", "node2");
        assertThat(s.steps().get(0).line()).isEqualTo(8);
        assertThat(s.steps().get(1)).isEqualTo(new Scenario.Step(500, "write", List.of("node1"), null, null, "db/x", 10, 7));
        assertThat(s.steps().get(4).name()).isEqualTo("swap");
        assertThat(s.steps().get(5).resource()).isEqualTo("proc.event");
        assertThat(s.steps().get(7).nodes()).containsExactly("node1", "witness");
        assertThat(s.expects()).containsExactly(
                new Scenario.Expect(10_000, "node1", null, null, Activity.STOPPED, 19),
                new Scenario.Expect(3_600_000, "node2", NodeState.PRIM, DataState.NOT_UPTODATE, Activity.RUNNING, 18));
    }

    @Test
    void untilDefaultsToAMinuteAfterTheLastStepOrExpectation() {
        SimFixtures.write(file, NODES + """
                steps:
                  - {at: 10s, start: [node1, node2]}
                expect:
                  - {at: 90s, node: node1, state: PRIM}
                """);

        assertThat(ScenarioParser.load(file).until()).isEqualTo(150_000L);
    }

    // --- every problem at once -------------------------------------------------------------------

    @Test
    void reportsEveryProblemAtOnceWithFileAndLine() {
        List<String> p = problems("""
                description: many problems
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                untill: 100s
                steps:
                  - {at: 0s, start: [node1, node2]}
                  - {at: 5s, explode: node1}
                  - {at: 6s, crash: node1, restart: node2}
                  - {at: 7s, crash: node3}
                  - {at: 8s, command: {node: node1, name: "re boot"}}
                  - {crash: node1}
                  - {at: 5 minutes, crash: node1}
                  - {at: 200s, crash: node2}
                until: 100s
                expect:
                  - {at: 10s, node: node1, state: PRIMARY}
                """);

        assertThat(p).as("every problem names the file and a line").allMatch(x -> x.matches("\\Q" + f + "\\E:\\d+: .+"));
        assertThat(p).anyMatch(x -> x.startsWith(f + ":13: steps[6].at: must be a duration like ")
                && x.endsWith(", got \"5 minutes\""));
        assertThat(p).contains(
                f + ":5: untill: unknown key; did you mean \"until\"?",
                f + ":8: steps[1].explode: unknown field; expected one of at, command, crash, fail, freeze, heal, partition,"
                        + " recover, restart, start, write",
                f + ":9: steps[2]: one step kind per step, got crash and restart",
                f + ":10: steps[3].crash: unknown node \"node3\"; the scenario's nodes are node1, node2",
                f + ":11: steps[4].command.name: a command name like swap, got \"re boot\"",
                f + ":12: steps[5].at: missing; when does this step happen?",
                f + ":14: step at 200.000 s comes after until (100.000 s) and would never run",
                f + ":17: expect[0].state: must be one of STOP, WAIT, ALONE, PRIM, SECOND, got \"PRIMARY\"");
    }

    @Test
    void brokenYamlIsOneProblemWithItsLine() {
        List<String> p = problems("""
                description: broken
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                steps:
                  - {at: 0s, start: [node1, node2]
                until: 10s
                """);

        assertThat(p).hasSize(1);
        assertThat(p.get(0)).startsWith(f + ":").contains(": not valid YAML: ");
        int line = Integer.parseInt(p.get(0).substring(f.length() + 1, p.get(0).indexOf(':', f.length() + 1)));
        assertThat(line).as(p.get(0)).isBetween(6, 7);
    }

    @Test
    void aScenarioMustBeAMapping() {
        assertThat(problems("- just\n- a list\n")).singleElement().asString().startsWith(f + ":1: ");
    }

    @Test
    void unknownTopKeySuggestsTheNearestKey() {
        List<String> p = problems(NODES + """
                steps:
                  - {at: 0s, start: node1}
                expects:
                  - {at: 10s, node: node1, state: PRIM}
                """);

        assertThat(p).containsExactly(f + ":6: expects: unknown key; did you mean \"expect\"?");
    }

    @Test
    void misspeltStepKindSuggestsTheKind() {
        List<String> p = problems(NODES + """
                steps:
                  - {at: 0s, start: node1}
                  - {at: 9s, crahs: node1}
                """);

        assertThat(p).containsExactly(f + ":6: steps[1].crahs: unknown field; did you mean \"crash\"?");
    }

    @Test
    void stepWithoutKind() {
        assertThat(problems(NODES + "steps:\n  - {at: 3s}\n")).containsExactly(
                f + ":5: steps[0]: no step kind; one of command, crash, fail, freeze, heal, partition, recover, restart, start, write");
    }

    @Test
    void unknownNodeInEveryPlaceANodeIsNamed() {
        List<String> p = problems(NODES + """
                steps:
                  - {at: 0s, start: [node1, nodeX]}
                  - {at: 1s, fail: {node: node9, resource: proc.event}}
                  - {at: 2s, write: {node: node7, path: a}}
                  - {at: 3s, partition: [node1, node5]}
                expect:
                  - {at: 10s, node: node4, state: PRIM}
                """);

        String known = "; the scenario's nodes are node1, node2";
        assertThat(p).containsExactlyInAnyOrder(
                f + ":5: steps[0].start: unknown node \"nodeX\"" + known,
                f + ":6: steps[1].fail.node: unknown node \"node9\"" + known,
                f + ":7: steps[2].write.node: unknown node \"node7\"" + known,
                f + ":8: steps[3].partition: unknown node \"node5\"" + known,
                f + ":10: expect[0].node: unknown node \"node4\"" + known);
    }

    @Test
    void badDurationsEverywhere() {
        List<String> p = problems(NODES + """
                durations:
                  start-services: soon
                  Reboot: 5s
                steps:
                  - {at: 0.5s, start: node1}
                  - {at: 30, start: node2}
                until: forever
                """);

        assertThat(p).contains(f + ":6: durations.Reboot: an action name like start-services");
        assertThat(p).anyMatch(x -> isDurationProblem(x, 5, "durations.start-services", "soon"))
                .anyMatch(x -> isDurationProblem(x, 8, "steps[0].at", "0.5s"))
                .anyMatch(x -> isDurationProblem(x, 9, "steps[1].at", "30"))
                .anyMatch(x -> isDurationProblem(x, 10, "until", "forever"))
                .hasSize(5);
    }

    private boolean isDurationProblem(String problem, int line, String path, String got) {
        return problem.startsWith(f + ":" + line + ": " + path + ": must be a duration like ")
                && problem.endsWith("got \"" + got + "\"");
    }

    @Test
    void expectationProblems() {
        List<String> p = problems(NODES + """
                steps:
                  - {at: 0s, start: [node1, node2]}
                until: 60s
                expect:
                  - {at: 10s, node: node1, state: primary}
                  - {at: 10s, node: node1, data: fresh}
                  - {at: 10s, node: node1, services: up}
                  - {at: 10s, node: node1}
                  - {node: node1, state: PRIM}
                  - {at: 61s, node: node2, state: SECOND}
                  - {at: 10s, node: node1, did: [mail-takeover, "Start Services"]}
                """);

        assertThat(p).contains(
                f + ":14: expect[6].did: an action name like mail-takeover, got \"Start Services\"",
                f + ":8: expect[0].state: must be one of STOP, WAIT, ALONE, PRIM, SECOND, got \"primary\"",
                f + ":10: expect[2].services: must be running or stopped, got \"up\"",
                f + ":11: expect[3]: nothing to check; give state, data, services, did, accepted or refused",
                f + ":12: expect[4].at: missing",
                f + ":13: expectation at 61.000 s comes after until (60.000 s) and would never be checked");
        assertThat(p).anyMatch(s -> s.startsWith(f + ":9: expect[1].data: ") && s.contains("fresh"));
    }

    @Test
    void anExpectationOnACommandsAnswerIsReadAndItsProblemsNamed() {
        SimFixtures.write(file, NODES + """
                steps:
                  - {at: 0s, start: [node1, node2]}
                  - {at: 5s, command: {node: node1, name: swap}}
                expect:
                  - {at: 6s, node: node1, refused: swap, reason: "needs a running pair"}
                  - {at: 6s, node: node2, accepted: stop}
                """);
        Scenario s = ScenarioParser.load(file);
        assertThat(s.expects()).containsExactly(
                new Scenario.Expect(6_000, "node1", null, null, null, List.of(), "swap", false, "needs a running pair", 8),
                new Scenario.Expect(6_000, "node2", null, null, null, List.of(), "stop", true, null, 9));
        assertThat(s.expects().get(0).describe()).isEqualTo("node1 refused swap because \"...needs a running pair...\"");

        List<String> p = problems(NODES + """
                steps:
                  - {at: 0s, start: [node1, node2]}
                expect:
                  - {at: 6s, node: node1, refused: Swap}
                  - {at: 6s, node: node1, accepted: swap, refused: swap}
                  - {at: 6s, node: node1, state: PRIM, reason: "why"}
                  - {at: 6s, node: node1, refused: swap, reason: ""}
                """);
        assertThat(p).containsExactlyInAnyOrder(
                f + ":7: expect[0].refused: a command name like switchover, got \"Swap\"",
                f + ":8: expect[1]: accepted and refused: give one of them",
                f + ":9: expect[2].reason: the reason of an answer: give accepted or refused with it",
                f + ":10: expect[3].reason: a text the reason contains, not empty");
    }

    @Test
    void stepAfterUntil() {
        assertThat(problems(NODES + """
                steps:
                  - {at: 0s, start: [node1, node2]}
                  - {at: 2m, crash: node1}
                until: 90s
                """)).containsExactly(f + ":6: step at 120.000 s comes after until (90.000 s) and would never run");
    }

    @Test
    void missingNodesFile() {
        List<String> p = problems("""
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/missing.yaml
                steps:
                  - {at: 0s, start: [node1, node2]}
                """);

        assertThat(p).containsExactly(f + ":3: nodes.node2: no such file " + tmp.resolve("cfg/missing.yaml"));
    }

    @Test
    void notExactlyTwoNodes() {
        assertThat(problems("""
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                  node3: cfg/node2.yaml
                steps:
                  - {at: 0s, start: node1}
                """)).containsExactly(f + ":1: nodes: a scenario simulates exactly two nodes, got 3");
        assertThat(problems("""
                nodes:
                  node1: cfg/node1.yaml
                steps:
                  - {at: 0s, start: node1}
                """)).containsExactly(f + ":1: nodes: a scenario simulates exactly two nodes, got 1");
    }

    @Test
    void missingNodesAndSteps() {
        assertThat(problems("description: nothing else\n")).containsExactlyInAnyOrder(
                f + ":1: nodes: missing; name the two node configurations, e.g. node1: ../node1.yaml",
                f + ":1: steps: missing; a scenario needs at least one step");
    }

    @Test
    void witnessIsNotANodeName() {
        assertThat(problems("""
                nodes:
                  node1: cfg/node1.yaml
                  witness: cfg/node2.yaml
                steps:
                  - {at: 0s, start: node1}
                """)).contains(f + ":3: nodes.witness: \"witness\" is reserved for the witness address");
    }

    @Test
    void nodeNamesMustBeUsableInTheOutput() {
        List<String> p = problems("""
                nodes:
                  net: cfg/node1.yaml
                  node 2: cfg/node2.yaml
                steps:
                  - {at: 0s, start: [net, node 2]}
                """);

        assertThat(p).anyMatch(x -> x.startsWith(f + ":2: nodes.net: "))
                .anyMatch(x -> x.startsWith(f + ":3: nodes.node 2: "));
    }

    @Test
    void partitionNeedsTwoDifferentEnds() {
        assertThat(problems(NODES + """
                steps:
                  - {at: 0s, partition: [node1, node1]}
                  - {at: 1s, heal: node1}
                """)).containsExactly(
                f + ":5: steps[0].partition: name the two ends of the link, e.g. [node1, node2] or [node1, witness]",
                f + ":6: steps[1].heal: name the two ends of the link, e.g. [node1, node2] or [node1, witness]");
    }

    @Test
    void commandNeedsAName() {
        assertThat(problems(NODES + """
                steps:
                  - {at: 0s, command: {node: node1}}
                  - {at: 1s, command: {node: node1, name: start, force: yes}}
                """)).containsExactlyInAnyOrder(
                f + ":5: steps[0].command.name: missing",
                f + ":6: steps[1].command.force: unknown field; expected one of node, name, args");
    }

    @Test
    void stepArgumentsWithoutANodeAreReportedNotThrown() {
        assertThat(problems(NODES + """
                steps:
                  - {at: 0s, command: {name: start}}
                  - {at: 1s, fail: {resource: proc.event}}
                  - {at: 2s, recover: {resource: proc.event}}
                  - {at: 3s, write: {path: db/x}}
                """)).containsExactlyInAnyOrder(
                f + ":5: steps[0].command.node: missing",
                f + ":6: steps[1].fail.node: missing",
                f + ":7: steps[2].recover.node: missing",
                f + ":8: steps[3].write.node: missing");
    }

    @Test
    void nodeCountIsReportedAlongsideOtherProblems() {
        assertThat(problems("""
                descripton: typo above three nodes
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/node2.yaml
                  node3: cfg/node2.yaml
                steps:
                  - {at: 0s, start: node1}
                """)).containsExactlyInAnyOrder(
                f + ":1: descripton: unknown key; did you mean \"description\"?",
                f + ":2: nodes: a scenario simulates exactly two nodes, got 3");
    }

    @Test
    void invalidExpectedValueIsReportedOnce() {
        assertThat(problems(NODES + """
                steps:
                  - {at: 0s, start: [node1, node2]}
                expect:
                  - {at: 10s, node: node1, state: primary}
                """)).containsExactly(
                f + ":7: expect[0].state: must be one of STOP, WAIT, ALONE, PRIM, SECOND, got \"primary\"");
    }

    @Test
    void keyGivenTwice() {
        assertThat(problems(NODES + """
                steps:
                  - {at: 0s, start: node1}
                until: 10s
                until: 20s
                """)).containsExactly(f + ":7: until: given twice");
    }

    @Test
    void failStepOfAnActionCountsItsRuns() {
        SimFixtures.write(file, NODES + """
                steps:
                  - {at: 1s, fail: {node: node1, action: start-services, times: 2}}
                  - {at: 2s, fail: {node: node2, action: vip-up}}
                """);
        Scenario s = ScenarioParser.load(file);

        assertThat(s.steps()).extracting(Scenario.Step::action, Scenario.Step::times, Scenario.Step::resource)
                .containsExactly(tuple("start-services", 2, null), tuple("vip-up", 1, null));
    }

    @Test
    void failStepNamesAResourceOrAnAction() {
        assertThat(problems(NODES + """
                steps:
                  - {at: 1s, fail: {node: node1, action: start-services, resource: proc.event}}
                  - {at: 2s, fail: {node: node1}}
                  - {at: 3s, fail: {node: node1, action: start-services, times: 0}}
                  - {at: 4s, fail: {node: node1, resource: proc.event, times: 2}}
                  - {at: 5s, fail: {node: node1, action: Start_Services}}
                """)).containsExactly(
                f + ":5: steps[0].fail: give a resource that fails, or an action whose next runs fail (action, optional"
                        + " times), not both",
                f + ":6: steps[1].fail: give a resource that fails, or an action whose next runs fail (action, optional"
                        + " times), not neither",
                f + ":7: steps[2].fail.times: how many of the action's next runs fail, 1 to 999999, got \"0\"",
                f + ":8: steps[3].fail.times: counts the runs of a failing action; a resource fails until a recover step",
                f + ":9: steps[4].fail.action: an action name like transfer-backup, got \"Start_Services\"");
    }

    // --- problems Simulation.prepare finds in the node configurations ----------------------------

    @Test
    void failStepNamingAnActionNoRouteCarries() {
        SimFixtures.write(file, NODES + """
                steps:
                  - {at: 9s, fail: {node: node2, action: transfer-nope}}
                """);
        Scenario s = ScenarioParser.load(file);

        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> Simulation.prepare(s, SimFixtures.home()));

        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().asString()
                .startsWith(f + ":5: fail.action: node2 has no action \"transfer-nope\": no route action-transfer-nope in ");
    }

    @Test
    void failStepNamingAResourceTheNodeLacks() {
        SimFixtures.write(file, NODES + """
                steps:
                  - {at: 0s, start: [node1, node2]}
                  - {at: 9s, fail: {node: node2, resource: proc.nope}}
                  - {at: 9s, recover: {node: node1, resource: proc.event}}
                """);
        Scenario s = ScenarioParser.load(file);

        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> Simulation.prepare(s, SimFixtures.home()));

        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().asString()
                .startsWith(f + ":6: fail.resource: node2 has no resource \"proc.nope\"; its resources: ")
                .contains("proc.event", "proc.management");
    }

    @Test
    void commandStepNamingACommandNoRouteOffersIsRefusedWithFileAndLine() {
        SimFixtures.write(file, NODES + """
                steps:
                  - {at: 0s, start: [node1, node2]}
                  - {at: 9s, command: {node: node1, name: reboot}}
                  - {at: 9s, command: {node: node2, name: swap}}
                """);
        Scenario s = ScenarioParser.load(file);

        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> Simulation.prepare(s, SimFixtures.home()));

        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().asString()
                .startsWith(f + ":6: command.name: node1 has no command \"reboot\": no route command-reboot in "
                        + SimFixtures.home().resolve("routes/common"))
                .contains("; its commands: ").contains("swap");
    }

    @Test
    void aCommandASiteRouteOffersIsOneTheScenarioCanGive() {
        SimFixtures.copyConfigs(tmp.resolve("site"), "\nextensions:\n  routes: [site-routes]\n");
        SimFixtures.write(tmp.resolve("site/site-routes/maintenance.camel.yaml"), """
                - route:
                    id: command-maintenance
                    routeConfigurationId: tandem-errors
                    from:
                      uri: direct:command-maintenance
                      steps:
                        - setBody:
                            constant: maintenance
                        - bean:
                            ref: commands
                            method: "submit(${body})"
                """);
        SimFixtures.write(file, """
                nodes:
                  node1: site/node1.yaml
                  node2: site/node2.yaml
                steps:
                  - {at: 0s, start: [node1, node2]}
                  - {at: 9s, command: {node: node1, name: maintenance}}
                until: 10s
                """);
        Scenario s = ScenarioParser.load(file);

        SimFixtures.Run run = SimFixtures.run(s);

        // the command reaches the engine (where no rule answers it yet), not refused for want of a route
        assertThat(run.text()).filteredOn(l -> l.startsWith("    9.000 node1 log command maintenance"))
                .isNotEmpty().noneMatch(l -> l.contains("no route"));
    }

    private static String resource(String name) {
        try (var in = ScenarioParserTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aCommandStepGivesItsArgumentsToTheRules() {
        SimFixtures.copyConfigs(tmp.resolve("site"), "\nextensions:\n  rules: [site-rules]\n  routes: [site-routes]\n");
        SimFixtures.write(tmp.resolve("site/site-rules/standby-import.drl"),
                resource("/tandem/commands/rules/standby-import.drl"));
        SimFixtures.write(tmp.resolve("site/site-routes/standby-import.camel.yaml"),
                resource("/tandem/commands/routes/standby-import.camel.yaml"));
        SimFixtures.write(file, """
                nodes:
                  node1: site/node1.yaml
                  node2: site/node2.yaml
                steps:
                  - {at: 0s, start: [node1, node2]}
                  - {at: 8s, command: {node: node1, name: standby-import, args: {file: /var/backup/full.tar}}}
                  - at: 9s
                    command:
                      node: node1
                      name: standby-import
                      args:
                        file: /var/backup/full.tar
                        confirm: true
                        password: hunter2
                until: 10s
                """);
        Scenario s = ScenarioParser.load(file);

        assertThat(s.steps().get(2).args()).containsExactly(Map.entry("file", "/var/backup/full.tar"),
                Map.entry("confirm", "true"), Map.entry("password", "hunter2"));
        assertThat(s.steps().get(0).args()).isEmpty();
        SimFixtures.Run run = SimFixtures.run(s);

        assertThat(run.text()).filteredOn(l -> l.contains("command standby-import")).anyMatch(l ->
                        l.startsWith("    8.000 node1 log command standby-import (file=/var/backup/full.tar) refused:")
                                && l.contains("confirm it with --confirm (scenario)"))
                .anyMatch(l -> l.startsWith("    9.000 node1 log command standby-import"
                        + " (file=/var/backup/full.tar, confirm, password=***) accepted: importing /var/backup/full.tar"))
                .noneMatch(l -> l.contains("hunter2"));
    }

    @Test
    void aCommandStepsArgumentsOfAnotherShapeAreRefusedWithFileAndLine() {
        SimFixtures.write(file, NODES + """
                steps:
                  - {at: 0s, command: {node: node1, name: stop, args: [confirm]}}
                  - {at: 1s, command: {node: node1, name: stop, args: {File: x}}}
                  - {at: 2s, command: {node: node1, name: stop, args: {file: [a, b]}}}
                """);

        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> ScenarioParser.load(file));

        assertThat(e).isNotNull();
        assertThat(e.problems()).containsExactly(
                f + ":5: steps[0].command.args: must be a mapping of argument name to value, e.g. {file: backup.tar, confirm: true}",
                f + ":6: steps[1].command.args: argument \"File\": a name is lower-case letters, digits and '-', starting"
                        + " with a letter or digit, at most 32 characters",
                f + ":7: steps[2].command.args.file: must be a single value");
    }

    @Test
    void anAnswerExpectedToACommandNoRouteOffersIsRefusedWithFileAndLine() {
        SimFixtures.write(file, NODES + """
                steps:
                  - {at: 0s, start: [node1, node2]}
                expect:
                  - {at: 9s, node: node2, refused: switchover}
                """);
        Scenario s = ScenarioParser.load(file);

        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> Simulation.prepare(s, SimFixtures.home()));

        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().asString().startsWith(f + ":7: refused: node2 has no command"
                + " \"switchover\": no route command-switchover in " + SimFixtures.home().resolve("routes/common"));
    }

    @Test
    void durationsAndDidNamingAnActionNoRouteCarriesAreRefusedWithFileAndLine() {
        SimFixtures.write(file, NODES + """
                durations:
                  start-services: 2s
                  reboot: 5s
                steps:
                  - {at: 0s, start: [node1, node2]}
                expect:
                  - {at: 9s, node: node2, did: [resync, page-oncall]}
                """);
        Scenario s = ScenarioParser.load(file);

        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> Simulation.prepare(s, SimFixtures.home()));

        assertThat(e).isNotNull();
        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems().get(0)).startsWith(f + ":6: durations.reboot: no node has the action \"reboot\": no route"
                + " action-reboot in " + SimFixtures.home().resolve("routes/common")).contains("; their actions: ")
                .contains("start-services");
        assertThat(e.problems().get(1)).startsWith(f + ":10: did: node2 has no action \"page-oncall\": no route"
                + " action-page-oncall in " + SimFixtures.home().resolve("routes/common"));
    }

    @Test
    void configsThatAreNotEachOthersPeer() {
        SimFixtures.write(file, """
                nodes:
                  first: cfg/node1.yaml
                  again: cfg/node1.yaml
                steps:
                  - {at: 0s, start: [first, again]}
                """);
        Scenario s = ScenarioParser.load(file);

        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> Simulation.prepare(s, SimFixtures.home()));

        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().asString()
                .startsWith(f + ":")
                .contains("first (id node1, peer node2) and again (id node1, peer node2) are not each other's peer");
    }

    @Test
    void invalidNodeConfigIsAConfigError() {
        SimFixtures.write(tmp.resolve("cfg/bad.yaml"), """
                node:
                  id: node2
                  profile: ms-failover
                  priority: 5000
                cluster:
                  name: cluster1
                  secret: ${file:cluster.secret}
                peer:
                  id: node1
                  address: 127.0.0.1
                  port: 7401
                """);
        SimFixtures.write(file, """
                nodes:
                  node1: cfg/node1.yaml
                  node2: cfg/bad.yaml
                steps:
                  - {at: 0s, start: [node1, node2]}
                """);
        Scenario s = ScenarioParser.load(file);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Simulation.prepare(s, SimFixtures.home()));

        assertThat(e).isNotNull();
        assertThat(e.errors()).extracting(Object::toString)
                .anyMatch(x -> x.startsWith(tmp.resolve("cfg/bad.yaml") + ":4: node.priority: "));
    }

    @Test
    void aFreezeNamesOneNodeAndHowLongItLasts() {
        SimFixtures.write(file, NODES + """
                steps:
                  - {at: 0s, start: [node1, node2]}
                  - {at: 2m, freeze: {node: node1, for: 1m}}
                """);
        assertThat(ScenarioParser.load(file).steps().get(1))
                .isEqualTo(new Scenario.Step(120_000, "freeze", List.of("node1"), null, null, null, 0, 6, 60_000));

        List<String> p = problems(NODES + """
                steps:
                  - {at: 1s, freeze: {node: node1}}
                  - {at: 2s, freeze: {node: node3, for: 5s}}
                  - {at: 3s, freeze: {node: node1, for: soon}}
                  - {at: 4s, freeze: {node: node1, for: 0s}}
                  - {at: 5s, freeze: node1}
                """);
        assertThat(p).containsExactly(
                f + ":5: steps[0].freeze.for: missing",
                f + ":6: steps[1].freeze.node: unknown node \"node3\"; the scenario's nodes are node1, node2",
                f + ":7: steps[2].freeze.for: must be a duration like 500ms, 30s, 2m or 1m30s, got \"soon\"",
                f + ":8: steps[3].freeze.for: must be longer than 0, got \"0s\"",
                f + ":9: steps[4].freeze: must be a mapping with node, for");
    }

    // --- what is read, and how far a run may go ---------------------------------------------------

    private static final String STEPS = """
            steps:
              - {at: 0s, start: [node1, node2]}
            """;

    private List<String> problemsOfBytes(byte[] bytes) {
        try {
            java.nio.file.Files.write(file, bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> ScenarioParser.load(file));
        assertThat(e).as("expected a ScenarioException").isNotNull();
        return e.problems();
    }

    @Test
    void aScenarioOverTheSizeLimitIsRefusedWithItsSize() {
        byte[] big = (NODES + STEPS + "#".repeat(2 << 20) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertThat(problemsOfBytes(big)).containsExactly(f + ": is " + big.length + " bytes; a scenario is at most 1 MiB");
    }

    @Test
    void aDeviceIsReadOnlyUpToTheLimit() {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(Path.of("/dev/zero")), "/dev/zero");

        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> ScenarioParser.load(Path.of("/dev/zero")));

        assertThat(e.problems()).containsExactly("/dev/zero: is not a regular file (a device, pipe or socket) and gives"
                + " more than 1 MiB; a scenario is at most 1 MiB");
    }

    @Test
    void textThatIsNotUtf8NamesTheLineOfTheFirstBadByte() {
        byte[] latin1 = (NODES + STEPS + "# caf\u00e9\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

        assertThat(problemsOfBytes(latin1)).containsExactly(
                f + ":6: is not UTF-8 text: the byte 0xe9 in column 6 is not UTF-8; save the file as UTF-8");
    }

    @Test
    void aControlCharacterIsReportedAtItsLine() {
        assertThat(problems(NODES + STEPS + "description: \"a\u0001b\"\n")).containsExactly(
                f + ":6: the character U+0001 in column 16 is not allowed in YAML (only tabs, line ends and printable"
                        + " characters are)");
    }

    @Test
    void nestingTooDeepIsReportedAtItsLineAndDoesNotOverflowTheStack() {
        assertThat(problems(NODES + STEPS + "description: " + "[".repeat(3000) + "]".repeat(3000) + "\n"))
                .containsExactly(f + ":6: YAML nested more than 64 levels deep; a scenario needs a few levels");
    }

    @Test
    void untilIsAtMostThirtyVirtualDays() {
        assertThat(problems(NODES + STEPS + "until: 36500d\n")).containsExactly(
                f + ":6: until: at most 30d of virtual time, got 36500d");
        assertThat(problems(NODES + "steps:\n  - {at: 31d, start: [node1, node2]}\n")).containsExactly(
                f + ":5: step at 2678400.000 s: a scenario runs at most 30d of virtual time");
    }
}
