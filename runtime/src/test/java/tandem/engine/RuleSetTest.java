package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tandem.config.NodeConfig;
import org.junit.jupiter.api.io.TempDir;

class RuleSetTest {

    @Test
    void theShippedProfileCompiles() {
        RuleSet rs = Fixtures.msFailoverRules();
        assertThat(rs.files()).extracting(p -> p.getFileName().toString())
                .containsExactly("boot-start.drl", "classify.drl", "mail.drl", "services.drl", "boot.drl", "commands.drl", "election.drl",
                        "failover.drl", "fencing.drl", "freeze.drl", "sync.drl", "vip.drl",
                        "election.drl", "failover.drl");
        assertThat(rs.files()).extracting(p -> p.getParent().getFileName().toString())
                .containsExactly("common", "common", "common", "common", "pair", "pair", "pair", "pair", "pair", "pair", "pair",
                        "pair", "ms-failover", "ms-failover");
        assertThat(rs.ruleCount()).isGreaterThan(30);
    }

    @Test
    void everyErrorOfEveryFileIsReportedWithItsFileAndLine(@TempDir Path tmp) throws Exception {
        Path dir = Fixtures.drlFolder(tmp,
                "a-syntax.drl", "package tandem.rules;\nimport tandem.facts.*;\n\nrule \"Broken\"\nwhen\n    LocalNode(state == \nthen\nend\n",
                "b-semantic.drl", "package tandem.rules;\nimport tandem.facts.*;\n\nrule \"Unknown type\"\nwhen\n    NoSuchFact()\nthen\nend\n");
        RulesException e = catchThrowableOfType(RulesException.class, () -> RuleSet.compile(List.of(dir)));
        assertThat(e.problems()).contains(dir.resolve("a-syntax.drl") + ":8: mismatched input 'end' in rule \"Broken\"");
        assertThat(e.problems()).noneMatch(p -> p.contains("null Package"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                .startsWith(dir.resolve("b-semantic.drl") + ":6: ").contains("NoSuchFact"));
    }

    @Test
    void anMvelErrorNamesTheLineOfTheExpressionAndItsRule(@TempDir Path tmp) throws Exception {
        Path dir = Fixtures.drlFolder(tmp, "typo.drl", """
                package tandem.rules;
                import tandem.facts.*;

                rule "Fine"
                when
                    LocalNode(state == NodeState.WAIT)
                then
                end

                rule "Typo in a state"
                when
                    Tick()
                    LocalNode(state == NodeState.SECUND)
                then
                end

                rule "Another typo, over two lines"
                when
                    LocalNode(state ==
                              NodeState.PRIMM)
                then
                end
                """);

        RulesException e = catchThrowableOfType(RulesException.class, () -> RuleSet.compile(List.of(dir)));

        String said = "Unable to Analyse Expression state == NodeState.SECUND: [Error: unable to resolve method using"
                + " strict-mode: tandem.facts.NodeState.SECUND()]";
        assertThat(e.problems()).containsExactly(
                dir.resolve("typo.drl") + ":13: " + said + " (rule \"Typo in a state\")",
                dir.resolve("typo.drl") + ":19: Unable to Analyse Expression state == NodeState.PRIMM: [Error: unable to"
                        + " resolve method using strict-mode: tandem.facts.NodeState.PRIMM()]"
                        + " (rule \"Another typo, over two lines\")");
    }

    @Test
    void anMvelErrorInAShippedRuleFileNamesItsLine(@TempDir Path tmp) throws Exception {
        String text = java.nio.file.Files.readString(Fixtures.home().resolve("rules/pair/failover.drl"));
        int at = text.indexOf("LocalNode(state == NodeState.SECOND");
        assertThat(at).isPositive();
        String broken = text.substring(0, at) + "LocalNode(state == NodeState.SECUND" + text.substring(at + 35);
        Path dir = Fixtures.drlFolder(tmp, "failover.drl", broken);
        int line = (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;

        RulesException e = catchThrowableOfType(RulesException.class, () -> RuleSet.compile(List.of(dir)));

        assertThat(e.problems()).singleElement().asString()
                .startsWith(dir.resolve("failover.drl") + ":" + line + ": Unable to Analyse Expression state == NodeState.SECUND");
    }

    @Test
    void aMissingFolderIsNamed(@TempDir Path tmp) {
        Path missing = tmp.resolve("nope");
        assertThatThrownBy(() -> RuleSet.compile(List.of(missing)))
                .isInstanceOf(RulesException.class)
                .hasMessage(missing + ": rule folder does not exist");
    }

    @Test
    void siteFoldersComeAfterTheProfilesFolders() {
        Path home = Fixtures.home();
        ProfileSpec sbs = ProfileSpec.load(home, "sbs");
        NodeConfig c = Fixtures.sampleConfig("sbs", """
                extensions:
                  rules: [/etc/tandem/rules]
                  disable-rules: ["Some rule"]
                """);

        RuleSet.Sources s = RuleSet.sources(sbs, c);

        assertThat(s.folders()).containsExactly(home.resolve("rules/common"), home.resolve("rules/pair"),
                home.resolve("rules/sbs"), Path.of("/etc/tandem/rules"));
        assertThat(s.site()).containsExactly(Path.of("/etc/tandem/rules"));
        assertThat(s.disabled()).extracting(d -> d.rule() + " at " + d.file() + ":" + d.line() + " " + d.path())
                .containsExactly("Some rule at node1.yaml:" + (Fixtures.sampleLines("sbs") + 3) + " extensions.disable-rules[0]");
    }
}
