package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tandem.engine.CycleOutcome.CommandAnswer;
import tandem.facts.CommandArgs;
import tandem.facts.OperatorCommand;

/**
 * A command's arguments reach the rules: a site rule that reads them with {@code has} and {@code arg}
 * compiles with the shipped rules and answers from them; the log and the events name them, a secret's
 * value masked.
 */
class CommandArgumentsTest {

    static Path siteRules() {
        try {
            return Path.of(CommandArgumentsTest.class.getResource("/tandem/commands/rules").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> args(String... nameAndValue) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameAndValue.length; i += 2) {
            m.put(nameAndValue[i], nameAndValue[i + 1]);
        }
        return m;
    }

    private static CommandAnswer answer(CycleOutcome o, String command) {
        return o.answers().stream().filter(a -> a.command().equals(command)).findFirst().orElseThrow();
    }

    @Test
    void aRuleReadsTheArgumentsItMatchesOn() {
        RuleSet rules = RuleSet.compile(Fixtures.msFailoverFolders(List.of(siteRules())));
        List<EngineEvent> events = new ArrayList<>();
        Engine e = Fixtures.engine(rules, events);
        e.boot(false);

        CommandAnswer confirmed = answer(e.command("standby-import", "api",
                args("file", "/var/backup/full.tar", "confirm", "true", "password", "hunter2")), "standby-import");
        CommandAnswer unconfirmed = answer(e.command("standby-import", "jmx", args("file", "/var/backup/full.tar")),
                "standby-import");
        CommandAnswer none = answer(e.command("standby-import", "cli"), "standby-import");

        assertThat(confirmed.accepted()).isTrue();
        assertThat(confirmed.reason()).isEqualTo("importing /var/backup/full.tar");
        assertThat(confirmed.rule()).isEqualTo("Standby import goes ahead once confirmed");
        assertThat(unconfirmed.accepted()).isFalse();
        assertThat(unconfirmed.reason()).isEqualTo("standby-import overwrites this node's data; confirm it with --confirm (jmx)");
        assertThat(none.accepted()).isFalse();
        List<String> said = events.stream().map(EngineEvent::reason).filter(t -> t.startsWith("command standby-import")).toList();
        assertThat(said).containsExactly(
                "command standby-import (file=/var/backup/full.tar, confirm, password=***) from api",
                "command standby-import (file=/var/backup/full.tar, confirm, password=***) accepted: importing /var/backup/full.tar",
                "command standby-import (file=/var/backup/full.tar) from jmx",
                "command standby-import (file=/var/backup/full.tar) refused: standby-import overwrites this node's data;"
                        + " confirm it with --confirm (jmx)",
                "command standby-import from cli",
                "command standby-import refused: standby-import overwrites this node's data; confirm it with --confirm (cli)");
        assertThat(String.join("\n", said)).doesNotContain("hunter2");
    }

    @Test
    void theFactKeepsTheOrderAndAnswersArgHasAndArgs() {
        OperatorCommand c = new OperatorCommand("standby-import", "api", 0, args("file", "F", "confirm", "true"));

        assertThat(c.arg("file")).isEqualTo("F");
        assertThat(c.arg("missing")).isNull();
        assertThat(c.has("confirm")).isTrue();
        assertThat(c.has("file")).isTrue();
        assertThat(c.has("force")).isFalse();
        assertThat(c.args().keySet()).containsExactly("file", "confirm");
        assertThatThrownBy(() -> c.args().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(new OperatorCommand("stop", "api", 0).args()).isEmpty();
    }

    @Test
    void argumentsOfAnotherShapeAreRefusedNamingTheArgument() {
        assertThat(CommandArgs.problems(args("File", "x"))).singleElement().asString().startsWith("argument \"File\": a name is");
        assertThat(CommandArgs.problems(args("-x", "x"))).singleElement().asString().startsWith("argument \"-x\": a name is");
        assertThat(CommandArgs.problems(args("a".repeat(33), "x"))).singleElement().asString()
                .startsWith("argument \"" + "a".repeat(33) + "\": a name is");
        assertThat(CommandArgs.problems(args("a".repeat(32), "x", "key-2", "v"))).isEmpty();
        assertThat(CommandArgs.problems(args("file", "x".repeat(4097))))
                .containsExactly("argument \"file\": the value has 4097 characters, at most 4096");
        assertThat(CommandArgs.problems(args("file", "x".repeat(4096)))).isEmpty();
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 17; i++) {
            many.put("a" + i, "v");
        }
        assertThat(CommandArgs.problems(many)).containsExactly("too many arguments: 17, at most 16");
        many.remove("a16");
        assertThat(CommandArgs.problems(many)).isEmpty();
        assertThatThrownBy(() -> new OperatorCommand("x", "api", 0, args("Bad", "v")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("argument \"Bad\"");
    }

    @Test
    void aSecretOrPasswordIsNeverShown() {
        assertThat(CommandArgs.describe(args("file", "F", "confirm", "true", "db-password", "p", "secret-key", "s",
                "user", "root"))).isEqualTo("file=F, confirm, db-password=***, secret-key=***, user=root");
        assertThat(CommandArgs.describe(Map.of())).isEmpty();
    }
}
