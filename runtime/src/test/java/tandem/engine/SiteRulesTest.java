package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kie.api.runtime.KieSession;
import tandem.config.Extensions.DisabledRule;
import tandem.facts.Tick;

/** A site's rule folders replace shipped rules by name, switch them off, add to them; check lists it. */
class SiteRulesTest {

    @TempDir
    Path tmp;

    private static final String HEADER = "package tandem.rules;\nimport tandem.facts.*;\n\n";

    /** A rule that says {@code said} on every tick. */
    private static String rule(String name, String said) {
        return "rule \"" + name + "\"\nwhen\n    Tick()\nthen\n    insert(\"" + said + "\");\nend\n\n";
    }

    /** What the rules say on one tick. */
    private static List<String> said(RuleSet rules) {
        KieSession s = rules.kieBase().newKieSession();
        try {
            s.insert(new Tick(0));
            s.fireAllRules();
            List<String> said = new ArrayList<>();
            s.getObjects(o -> o instanceof String).forEach(o -> said.add((String) o));
            return said.stream().sorted().toList();
        } finally {
            s.dispose();
        }
    }

    private Path folder(String name, String file, String text) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve(file), text);
        return dir;
    }

    private static DisabledRule disabled(String rule, int line) {
        return new DisabledRule(rule, "node1.yaml", line, "extensions.disable-rules[0]");
    }

    @Test
    void aSiteRuleOfTheSameNameReplacesTheShippedOneAndCheckListsIt() throws IOException {
        Path shipped = folder("shipped", "a.drl", HEADER + rule("Takes over", "shipped takes over") + rule("Mails", "shipped mails"));
        Path site = folder("site", "site.drl", "package site.rules;\nimport tandem.facts.*;\n\n" + rule("Takes over", "site takes over")
                + rule("Pages the team", "site pages"));

        RuleSet rules = RuleSet.compile(new RuleSet.Sources(List.of(shipped), List.of(site), List.of()));

        assertThat(said(rules)).as("the shipped rule no longer fires; both fired before")
                .containsExactly("shipped mails", "site pages", "site takes over");
        assertThat(rules.siteChanges()).extracting(Object::toString).containsExactly(
                "replaced \"Takes over\": " + shipped.resolve("a.drl") + ":4 -> " + site.resolve("site.drl") + ":4",
                "added \"Pages the team\": " + site.resolve("site.drl") + ":11");
        assertThat(rules.fileOf("Takes over")).contains(site.resolve("site.drl"));
        assertThat(rules.warnings()).isEmpty();
    }

    @Test
    void aReplacedRuleIsBlankedSoEveryOtherLineStaysTrue() throws IOException {
        Path shipped = folder("shipped", "a.drl", HEADER + rule("Takes over", "shipped")
                + "rule \"Broken\"\nwhen\n    LocalNode(state == )\nthen\nend\n");
        Path site = folder("site", "site.drl", HEADER + rule("Takes over", "site"));

        RulesException e = catchThrowableOfType(RulesException.class,
                () -> RuleSet.compile(new RuleSet.Sources(List.of(shipped), List.of(site), List.of())));

        assertThat(e.problems()).contains(shipped.resolve("a.drl") + ":13: no viable alternative at input ')' in rule \"Broken\"");
    }

    @Test
    void disableRulesSwitchesAShippedRuleOffAndCheckListsIt() throws IOException {
        Path shipped = folder("shipped", "a.drl", HEADER + rule("Takes over", "takes over") + rule("Mails", "mails"));

        RuleSet rules = RuleSet.compile(new RuleSet.Sources(List.of(shipped), List.of(), List.of(disabled("Mails", 31))));

        assertThat(said(rules)).containsExactly("takes over");
        assertThat(rules.ruleCount()).isEqualTo(1);
        assertThat(rules.siteChanges()).extracting(Object::toString).containsExactly(
                "disabled \"Mails\": " + shipped.resolve("a.drl") + ":11 (node1.yaml:31)");
    }

    @Test
    void aDisabledNameNoShippedRuleHasIsAConfigErrorWithASuggestion() throws IOException {
        Path shipped = folder("shipped", "a.drl", HEADER + rule("Primary gives up when a critical resource stays down", "x"));

        RulesException e = catchThrowableOfType(RulesException.class, () -> RuleSet.compile(new RuleSet.Sources(
                List.of(shipped), List.of(), List.of(disabled("Primary gives up when a critical resource stays dwon", 31)))));

        assertThat(e.problems()).containsExactly("node1.yaml:31: extensions.disable-rules[0]: no shipped rule is named"
                + " \"Primary gives up when a critical resource stays dwon\"; did you mean"
                + " \"Primary gives up when a critical resource stays down\"?");
    }

    @Test
    void aRuleCannotBeBothReplacedAndDisabledNorCanASiteRuleBeDisabled() throws IOException {
        Path shipped = folder("shipped", "a.drl", HEADER + rule("Takes over", "shipped"));
        Path site = folder("site", "site.drl", HEADER + rule("Takes over", "site") + rule("Pages", "pages"));

        RulesException both = catchThrowableOfType(RulesException.class, () -> RuleSet.compile(new RuleSet.Sources(
                List.of(shipped), List.of(site), List.of(disabled("Takes over", 31)))));
        RulesException siteOnly = catchThrowableOfType(RulesException.class, () -> RuleSet.compile(new RuleSet.Sources(
                List.of(shipped), List.of(site), List.of(disabled("Pages", 32)))));

        assertThat(both.problems()).containsExactly("node1.yaml:31: extensions.disable-rules[0]: rule \"Takes over\" is"
                + " replaced in " + site.resolve("site.drl") + ":4 and disabled here; keep one of the two");
        assertThat(siteOnly.problems()).containsExactly("node1.yaml:32: extensions.disable-rules[0]: rule \"Pages\" is a"
                + " site rule (" + site.resolve("site.drl") + ":11); remove it there instead");
    }

    @Test
    void twoRulesOfOneNameInOneFolderAreAnError() throws IOException {
        Path dir = folder("site", "a.drl", HEADER + rule("Pages", "a"));
        Files.writeString(dir.resolve("b.drl"), HEADER + rule("Pages", "b"));

        RulesException e = catchThrowableOfType(RulesException.class,
                () -> RuleSet.compile(new RuleSet.Sources(List.of(), List.of(dir), List.of())));

        assertThat(e.problems()).containsExactly(dir.resolve("b.drl") + ":4: rule \"Pages\" is also in " + dir.resolve("a.drl")
                + ":4; only a rule of a later site folder replaces a rule of its name");
    }

    @Test
    void aSiteCopyOfAShippedRuleUnderANewNameIsAWarningNamingBoth() throws IOException {
        Path shipped = folder("shipped", "a.drl", HEADER + """
                rule "Takes over"
                when
                    LocalNode(state == NodeState.SECOND, uptodate)
                    PeerSilent()
                then
                    insert(Decision.by(drools).to(NodeState.ALONE).act("vip-up").because("primary lost"));
                end
                """);
        Path site = folder("site", "site.drl", HEADER + """
                // the same, laid out differently and commented
                rule "Site takes over"
                when
                    LocalNode( state==NodeState.SECOND,
                               uptodate )   // current data only
                    PeerSilent( )
                then
                    insert( Decision.by(drools).to(NodeState.ALONE)
                            .act("vip-up").because("primary lost") );
                end

                rule "Site takes over and mails"
                when
                    LocalNode(state == NodeState.SECOND, uptodate)
                    PeerSilent()
                then
                    insert(Decision.by(drools).to(NodeState.ALONE).act("vip-up", "mail-takeover").because("primary lost"));
                end
                """);

        RuleSet rules = RuleSet.compile(new RuleSet.Sources(List.of(shipped), List.of(site), List.of()));

        assertThat(rules.warnings()).containsExactly(site.resolve("site.drl") + ":5: warning: rule \"Site takes over\""
                + " makes the same decision from the same facts as rule \"Takes over\" (" + shipped.resolve("a.drl") + ":4)");
    }

    @Test
    void aShippedFolderDoesNotReplaceAnotherShippedFoldersRule() throws IOException {
        Path common = folder("common", "a.drl", HEADER + rule("Takes over", "common"));
        Path profile = folder("profile", "b.drl", HEADER + rule("Takes over", "profile"));
        Path site = Files.createDirectories(tmp.resolve("site"));

        RulesException e = catchThrowableOfType(RulesException.class,
                () -> RuleSet.compile(new RuleSet.Sources(List.of(common, profile), List.of(site), List.of())));

        assertThat(e.problems()).containsExactly(profile.resolve("b.drl") + ":4: rule \"Takes over\" is also in "
                + common.resolve("a.drl") + ":4; only a rule of a later site folder replaces a rule of its name");
    }

    @Test
    void theShippedRulesMakeNoDecisionTwice() throws IOException {
        // an empty site folder: the rules are read as for a site, which is when check looks for copies
        Path site = Files.createDirectories(tmp.resolve("site"));
        for (String profile : ProfileSpec.names(Fixtures.home())) {
            RuleSet rules = RuleSet.compile(new RuleSet.Sources(ProfileSpec.load(Fixtures.home(), profile).ruleFolders(),
                    List.of(site), List.of()));
            assertThat(rules.warnings()).as(profile).isEmpty();
            assertThat(rules.siteChanges()).as(profile).isEmpty();
        }
    }
}
