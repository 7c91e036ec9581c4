package tandem.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.routes.RuleUses.Kind;
import tandem.routes.RuleUses.Use;

/** The names the rules write, read from their text with the line of each. */
class RuleUsesTest {
    private static final Path F = Path.of("site", "site.drl");

    @Test
    void actionsAreTheLiteralsGivenToActWithTheirLinesAndRule() {
        List<Use> uses = RuleUses.scan(F, """
                package site.rules;

                rule "Takes over"
                when
                    LocalNode()
                then
                    insert(Decision.by(drools).to(NodeState.ALONE).act("vip-up", "start-services")
                            .because("x"));
                    Decision d = Decision.by(drools).act(
                            "mail-takeover");
                end

                rule Other
                when then
                    insert(Decision.by(drools).act( "fence-peer" ));
                end
                """);

        assertThat(uses).containsExactly(
                new Use(Kind.ACTION, "vip-up", F, 7, "Takes over"),
                new Use(Kind.ACTION, "start-services", F, 7, "Takes over"),
                new Use(Kind.ACTION, "mail-takeover", F, 10, "Takes over"),
                new Use(Kind.ACTION, "fence-peer", F, 15, "Other"));
    }

    @Test
    void commandsAreWhatRulesAcceptRefuseOrMatchInAnOperatorCommand() {
        List<Use> uses = RuleUses.scan(F, """
                rule "Maintenance"
                when
                    OperatorCommand(name == "maintenance", $o : origin)
                    not Decision(command == "maintenance")
                then
                    insert(Decision.by(drools).accepts("maintenance").because("x"));
                end
                rule "Either"
                when
                    OperatorCommand(name in ("start", "force-start"))
                then
                    insert(Decision.by(drools).refuses("start"));
                end
                """);

        assertThat(uses).extracting(Use::kind, Use::name, Use::line).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Kind.COMMAND, "maintenance", 3),
                org.assertj.core.groups.Tuple.tuple(Kind.COMMAND, "maintenance", 6),
                org.assertj.core.groups.Tuple.tuple(Kind.COMMAND, "start", 10),
                org.assertj.core.groups.Tuple.tuple(Kind.COMMAND, "force-start", 10),
                org.assertj.core.groups.Tuple.tuple(Kind.COMMAND, "start", 12));
    }

    @Test
    void aCommandMatchedWithItsArgumentsIsStillTheCommandAndTheArgumentNamesAreNot() {
        List<Use> uses = RuleUses.scan(F, """
                rule "Import"
                when
                    OperatorCommand(name == "standby-import", has("confirm"), $file : arg("file"))
                then
                    insert(Decision.by(drools).accepts("standby-import").because("importing " + $file));
                end
                rule "Switchover"
                when
                    OperatorCommand(has("confirm"), arg("name") == "x", name == "switchover",
                            args().size() < 3)
                then
                    insert(Decision.by(drools).refuses("switchover"));
                end
                """);

        assertThat(uses).extracting(Use::kind, Use::name, Use::line).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Kind.COMMAND, "standby-import", 3),
                org.assertj.core.groups.Tuple.tuple(Kind.COMMAND, "standby-import", 5),
                org.assertj.core.groups.Tuple.tuple(Kind.COMMAND, "switchover", 9),
                org.assertj.core.groups.Tuple.tuple(Kind.COMMAND, "switchover", 12));
    }

    @Test
    void commentsTextInStringsAndNamesBuiltAtRunTimeAreNotUses() {
        List<Use> uses = RuleUses.scan(F, """
                // act("in-a-line-comment")
                /* act("in-a-block-comment")
                   accepts("x") */
                rule "Dynamic"
                when
                    $a : String()
                then
                    insert(Decision.by(drools).act($a).act("prefix-" + $a)
                            .because("the reason may say act(\\"quoted\\") // or this"));
                    insert(Decision.by(drools).act("real"));  // act("after-code")
                end
                """);

        assertThat(uses).containsExactly(new Use(Kind.ACTION, "real", F, 10, "Dynamic"));
    }

    @Test
    void theShippedRulesNameTheShippedActionsAndCommands() {
        Path home = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
        List<Use> uses = RuleUses.scan(List.of(home.resolve("rules/pair/commands.drl"),
                home.resolve("rules/common/mail.drl"), home.resolve("rules/common/boot-start.drl")));

        assertThat(uses).filteredOn(u -> u.kind() == Kind.ACTION).extracting(Use::name)
                .contains("final-sync", "stop-services", "vip-down", "forward-swap", "boot-start-on", "resync", "mail-test");
        assertThat(uses).filteredOn(u -> u.kind() == Kind.COMMAND).extracting(Use::name).containsOnly(
                "start", "stop", "swap", "force-start", "boot-start-on", "boot-start-off", "sync", "test-mail");
        assertThat(uses).allMatch(u -> u.line() > 0 && u.rule() != null);
    }
}
