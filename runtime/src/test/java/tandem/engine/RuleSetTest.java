package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleSetTest {

    @Test
    void theShippedProfileCompiles() {
        RuleSet rs = Fixtures.msFailoverRules();
        assertThat(rs.files()).extracting(p -> p.getFileName().toString())
                .containsExactly("classify.drl", "mail.drl", "services.drl", "boot.drl", "commands.drl", "election.drl",
                        "failover.drl", "fencing.drl", "freeze.drl", "sync.drl",
                        "election.drl", "failover.drl");
        assertThat(rs.files()).extracting(p -> p.getParent().getFileName().toString())
                .containsExactly("common", "common", "common", "pair", "pair", "pair", "pair", "pair", "pair", "pair",
                        "ms-failover", "ms-failover");
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
    void aMissingFolderIsNamed(@TempDir Path tmp) {
        Path missing = tmp.resolve("nope");
        assertThatThrownBy(() -> RuleSet.compile(List.of(missing)))
                .isInstanceOf(RulesException.class)
                .hasMessage(missing + ": rule folder does not exist");
    }

    @Test
    void siteFoldersComeAfterCommonAndProfile() {
        Path home = Path.of("/opt/tandem");
        assertThat(RuleSet.folders(home, "sbs", List.of(Path.of("/etc/tandem/rules"))))
                .containsExactly(home.resolve("rules/common"), home.resolve("rules/pair"), home.resolve("rules/sbs"),
                        Path.of("/etc/tandem/rules"));
        assertThat(RuleSet.folders(home, "redundancy", List.of()))
                .as("not a failover pair").containsExactly(home.resolve("rules/common"), home.resolve("rules/redundancy"));
    }
}
