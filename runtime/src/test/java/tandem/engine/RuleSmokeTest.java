package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.facts.NodeState;

/** What {@code tandem check} runs on rules that compile: every state of the table, every action answered. */
class RuleSmokeTest {

    private static final String HEADER = "package tandem.rules;\nimport tandem.facts.*;\n";

    private static RuleSet withSiteRule(Path tmp, String drl) throws Exception {
        Path site = Fixtures.drlFolder(tmp, "site.drl", HEADER + drl);
        return RuleSet.compile(Fixtures.msFailoverFolders(List.of(site)));
    }

    @Test
    void everyStateOfTheTableIsTried() {
        assertThat(RuleSmoke.states(Fixtures.msFailoverTable())).containsExactlyInAnyOrder(NodeState.values());
    }

    @Test
    void theShippedRulesOfBothPairProfilesPass() {
        for (String profile : List.of("ms-failover", "sbs")) {
            ProfileSpec spec = ProfileSpec.load(Fixtures.home(), profile);
            RuleSet rules = RuleSet.compile(spec.ruleFolders());
            java.util.Collection<String> commands = tandem.routes.Catalogue.read(spec.routeFolders()).commands().keySet();
            assertThat(commands).contains("start", "stop", "swap");
            assertThat(RuleSmoke.run(rules, Fixtures.node1(), 1_000, commands)).as(profile).isEmpty();
        }
    }

    @Test
    void aRuleThatLoopsOnlyInPrimIsNamedWithItsFile(@TempDir Path tmp) throws Exception {
        RuleSet rules = withSiteRule(tmp, """
                rule "Announce the address at every cycle while primary"
                when
                    LocalNode(state == NodeState.PRIM)
                    Tick()
                then
                    insert(Decision.by(drools).act("vip-up").because("once more"));
                end
                """);
        List<String> problems = RuleSmoke.run(rules, Fixtures.node1(), 1_000, List.of("start", "stop", "swap", "force-start"));
        assertThat(problems).as("reached from PRIM and from ALONE, said once").singleElement().asString()
                .startsWith(tmp.resolve("rules-site-drl").resolve("site.drl") + ": ")
                .contains("rule \"Announce the address at every cycle while primary\"", "action vip-up",
                        "more than 20 times within 1m", "in state PRIM", "every action answered at once: the rule loops");
    }

    @Test
    void aRuleThatKeepsReFiringInSecondIsNamedWithItsFile(@TempDir Path tmp) throws Exception {
        RuleSet rules = withSiteRule(tmp, """
                rule "Count while secondary"
                when
                    LocalNode(state == NodeState.SECOND)
                    $t : Tick()
                then
                    update($t);
                end
                """);
        assertThat(RuleSmoke.run(rules, Fixtures.node1(), 1_000, List.of("start", "stop", "swap", "force-start"))).singleElement().asString()
                .startsWith(tmp.resolve("rules-site-drl").resolve("site.drl") + ": ")
                .contains("rule \"Count while secondary\" keeps re-firing", "(started in SECOND)");
    }

    @Test
    void everyCommandGivenIsTriedInEveryState(@TempDir Path tmp) throws Exception {
        RuleSet rules = withSiteRule(tmp, """
                declare Maintenance
                end

                rule "Maintenance starts"
                when
                    OperatorCommand(name == "test-mail")
                    not Maintenance()
                then
                    insert(new Maintenance());
                    insert(Decision.by(drools).act("mail-test").because("maintenance"));
                end

                rule "Maintenance mails again and again"
                when
                    Maintenance()
                    ActionResult(action == "mail-test")
                then
                    insert(Decision.by(drools).act("mail-test").because("still in maintenance"));
                end
                """);
        assertThat(RuleSmoke.run(rules, Fixtures.node1(), 1_000, List.of("start", "stop"))).isEmpty();
        assertThat(RuleSmoke.run(rules, Fixtures.node1(), 1_000, List.of("test-mail"))).isNotEmpty()
                .allSatisfy(p -> assertThat(p).contains("rule \"Maintenance mails again and again\"", "action mail-test"));
    }
}
