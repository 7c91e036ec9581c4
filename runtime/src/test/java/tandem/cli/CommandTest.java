package tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code tandem command NAME [--ARG VALUE | --ARG=VALUE | --FLAG]... --config FILE}, as the command line reads it. */
class CommandTest {

    private static Command.Args args(String... argv) {
        return Command.args(List.of(argv));
    }

    private record Cli(int status, String out, String err) {
    }

    private static Cli tandem(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aNameAloneHasNoArguments() {
        Command.Args a = args("stop", "--config", "node1.yaml");

        assertThat(a.name()).isEqualTo("stop");
        assertThat(a.config()).isEqualTo(Path.of("node1.yaml"));
        assertThat(a.args()).isEmpty();
    }

    @Test
    void valuesFlagsAndEqualsFormsKeepTheirOrder() {
        Command.Args a = args("--config=node2.yaml", "standby-import", "--file", "/var/backup/full.tar", "--confirm",
                "--note=--looks-like-an-option", "--empty=", "--offset", "-5", "--last");

        assertThat(a.name()).isEqualTo("standby-import");
        assertThat(a.config()).isEqualTo(Path.of("node2.yaml"));
        assertThat(a.args()).containsExactly(Map.entry("file", "/var/backup/full.tar"), Map.entry("confirm", "true"),
                Map.entry("note", "--looks-like-an-option"), Map.entry("empty", ""), Map.entry("offset", "-5"),
                Map.entry("last", "true"));
    }

    @Test
    void configMayStandAnywhereAndIsNeverACommandArgument() {
        Command.Args a = args("switchover", "--confirm", "--config", "node2.yaml", "--reason", "planned");

        assertThat(a.args()).containsExactly(Map.entry("confirm", "true"), Map.entry("reason", "planned"));
        assertThat(a.config()).isEqualTo(Path.of("node2.yaml"));
        assertThatThrownBy(() -> args("x", "--config", "a.yaml", "--config=b.yaml"))
                .hasMessage("--config given twice");
    }

    @Test
    void waitIsTheCliOwnWithOrWithoutItsSeconds() {
        assertThat(args("stop", "--config", "n.yaml").waits()).isFalse();
        Command.Args plain = args("stop", "--wait", "--config", "n.yaml");
        assertThat(plain.waitSeconds()).isEqualTo(Command.DEFAULT_WAIT_S);
        assertThat(plain.args()).isEmpty();
        assertThat(args("stop", "--wait", "30", "--note", "x", "--config", "n.yaml").waitSeconds()).isEqualTo(30);
        Command.Args eq = args("standby-import", "--file", "f.tar", "--wait=90", "--confirm", "--config", "n.yaml");
        assertThat(eq.waitSeconds()).isEqualTo(90);
        assertThat(eq.args()).containsExactly(Map.entry("file", "f.tar"), Map.entry("confirm", "true"));
        assertThatThrownBy(() -> args("stop", "--wait=0", "--config", "n.yaml"))
                .hasMessage("--wait: seconds from 1 to 86400, got \"0\"");
        assertThatThrownBy(() -> args("stop", "--wait=soon", "--config", "n.yaml"))
                .hasMessage("--wait: seconds from 1 to 86400, got \"soon\"");
        assertThatThrownBy(() -> args("stop", "--wait", "--wait", "--config", "n.yaml")).hasMessage("--wait given twice");
    }

    @Test
    void badArgumentsAreUsageErrorsNamingTheArgument() {
        assertThatThrownBy(() -> args("x", "--File", "a", "--config", "n.yaml"))
                .isInstanceOf(Main.UsageException.class).hasMessageStartingWith("argument \"File\": a name is lower-case");
        assertThatThrownBy(() -> args("x", "--file", "a", "--file=b", "--config", "n.yaml"))
                .hasMessage("--file given twice");
        assertThatThrownBy(() -> args("x", "-f", "a", "--config", "n.yaml"))
                .hasMessageStartingWith("unknown option \"-f\"");
        assertThatThrownBy(() -> args("x", "--", "--config", "n.yaml")).hasMessageStartingWith("unknown option \"--\"");
        assertThatThrownBy(() -> args("--confirm", "x", "--config", "n.yaml"))
                .hasMessageStartingWith("--confirm before NAME");
        assertThatThrownBy(() -> args("x", "--file", "a", "b", "--config", "n.yaml"))
                .hasMessageStartingWith("unexpected \"b\"");
        assertThatThrownBy(() -> args("x", "--file", "v".repeat(4097), "--config", "n.yaml"))
                .hasMessage("argument \"file\": the value has 4097 characters, at most 4096");
        assertThatThrownBy(() -> args("x", "--confirm")).hasMessage("--config FILE is required");
        assertThatThrownBy(() -> args("--config", "n.yaml")).hasMessageStartingWith("NAME is required");
    }

    @Test
    void moreThanSixteenArgumentsAreAUsageError() {
        List<String> argv = new ArrayList<>(List.of("command", "x", "--config", "n.yaml"));
        for (int i = 0; i < 17; i++) {
            argv.add("--a" + i);
        }

        Cli r = tandem(argv.toArray(String[]::new));

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).startsWith("tandem command: too many arguments: 17, at most 16\n").contains("usage: tandem");
        assertThat(Command.args(argv.subList(1, argv.size() - 1)).args()).hasSize(16);
    }

    @Test
    void aBadArgumentNameExitsTwoBeforeTheConfigurationIsRead() {
        Cli r = tandem("command", "standby-import", "--File=x", "--config", "does-not-exist.yaml");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).startsWith("tandem command: argument \"File\": a name is lower-case letters, digits and '-'");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void theUsageShowsTheArguments() {
        assertThat(tandem("help").out()).contains("command  NAME [--ARG VALUE|--FLAG]... [--wait [SECONDS]] --config FILE");
    }
}
