package tandem.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.sim.SimFixtures;

/**
 * A reload's candidate: the shipped set with a site's additions passes; a rule that does not
 * compile, a site rule that breaks one of the profile's scenarios (whose node configurations do not
 * name the site's rule folder), a failing site scenario and a bad configuration are each refused with
 * their place.
 */
class CandidateTest {
    @TempDir
    Path tmp;

    /** The sample node1 with {@code extra} appended to its configuration, in tmp/site. */
    private Path node1(String extra) {
        SimFixtures.copyConfigs(tmp.resolve("site"), extra);
        return tmp.resolve("site").resolve("node1.yaml");
    }

    private Candidate build(Path config) {
        return Candidate.build(SimFixtures.home(), config);
    }

    private static List<String> refusal(Runnable r) {
        try {
            r.run();
        } catch (ReloadException e) {
            return e.problems();
        }
        throw new AssertionError("the candidate was not refused");
    }

    @Test
    void theShippedSetWithASiteRulePassesEveryScenarioOfTheProfile() {
        SimFixtures.write(tmp.resolve("site-rules/note.drl"), """
                package site;
                import tandem.facts.*;
                rule "Site notes a silent peer"
                when
                    PeerSilent()
                then
                    insert(Decision.by(drools).because("the peer is silent (site rule)"));
                end
                """);
        Candidate c = build(node1("\nextensions:\n  rules: [../site-rules]\n"));

        assertThat(c.scenarios()).isEqualTo(SimFixtures.sampleScenarios().stream()
                .filter(f -> f.getParent().getParent().getFileName().toString().equals("ms-failover")).toList());
        assertThat(c.scenarios()).isNotEmpty();
        assertThat(c.rules().files()).contains(tmp.resolve("site-rules/note.drl"));
        assertThat(c.rules().fileOf("Site notes a silent peer")).contains(tmp.resolve("site-rules/note.drl"));
        assertThat(c.catalogue().commands()).containsKey("start");
        assertThat(c.routeFiles()).isNotEmpty();
    }

    @Test
    void aRuleThatDoesNotCompileIsRefusedWithItsFileAndLine() {
        Path drl = SimFixtures.write(tmp.resolve("site-rules/broken.drl"), """
                package site;
                import tandem.facts.*;
                rule "Broken"
                when
                    LocalNode(state == )
                then
                end
                """);
        Path config = node1("\nextensions:\n  rules: [../site-rules]\n");

        List<String> problems = refusal(() -> build(config));

        assertThat(problems).isNotEmpty().allMatch(p -> p.startsWith(drl + ":5:"), "names " + drl + ":5");
    }

    @Test
    void aSiteRuleThatBreaksAScenarioOfTheProfileIsRefusedNamingTheExpectation() {
        // marks the secondary's copy not uptodate as it takes over, which the profile's scenarios do not
        // expect; the sample scenarios' configs do not list this folder, the candidate does
        SimFixtures.write(tmp.resolve("site-rules/no-takeover.drl"), """
                package site;
                import tandem.facts.*;
                rule "A secondary distrusts its data when the primary falls silent"
                    salience 100
                when
                    LocalNode(state == NodeState.SECOND, uptodate)
                    PeerSilent()
                then
                    insert(Decision.by(drools).data(DataState.NOT_UPTODATE).because("site: distrust the copy"));
                end
                """);
        Path config = node1("\nextensions:\n  rules: [../site-rules]\n");

        List<String> problems = refusal(() -> build(config));

        Path crash = SimFixtures.msScenario("primary-crash.yaml");
        assertThat(problems).anySatisfy(p -> assertThat(p)
                .matches(java.util.regex.Pattern.quote(crash.toString())
                        + ":\\d+: expected at [0-9.]+ s node2 state ALONE data uptodate.*, but it was ALONE, not uptodate.*"));
        assertThat(problems).allMatch(p -> p.startsWith(SimFixtures.msSamples().resolve("scenarios").toString()),
                "every problem names a scenario file");
    }

    @Test
    void aFailingSiteScenarioIsRefusedWithItsLine() {
        Path scenario = SimFixtures.write(tmp.resolve("site-scenarios/wrong.yaml"), """
                description: a site scenario whose expectation the rules do not meet
                nodes:
                  node1: ../site/node1.yaml
                  node2: ../site/node2.yaml
                steps:
                  - {at: 0s, start: [node1, node2]}
                until: 60s
                expect:
                  - {at: 60s, node: node1, state: PRIM}
                  - {at: 60s, node: node2, state: PRIM}
                """);
        Path config = node1("\nextensions:\n  scenarios: [../site-scenarios]\n");

        List<String> problems = refusal(() -> build(config));

        assertThat(problems).containsExactly(scenario + ":10: expected at 60.000 s node2 state PRIM, but it was"
                + " SECOND, uptodate, services stopped");
    }

    @Test
    void aMissingSiteScenarioFolderIsRefused() {
        Path config = node1("\nextensions:\n  scenarios: [../nowhere]\n");

        List<String> problems = refusal(() -> build(config));

        assertThat(problems).containsExactly(config + ": extensions.scenarios: " + tmp.resolve("nowhere")
                + ": scenario folder does not exist");
    }

    @Test
    void anInvalidConfigurationIsRefusedWithItsLineAndNothingElseIsTried() {
        Path config = node1("\ntimings:\n  rise: many\n");
        assertThatThrownBy(() -> Candidate.build(SimFixtures.home(), config))
                .isInstanceOf(ReloadException.class)
                .satisfies(e -> assertThat(((ReloadException) e).problems())
                        .allMatch(p -> p.startsWith(config.toString() + ":"), "names the config file"));
    }
}
