package tandem.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void splitsOnWhitespace() {
        assertThat(CommandLine.split("  /opt/app/bin/collector   --foreground -v ", true))
                .containsExactly("/opt/app/bin/collector", "--foreground", "-v");
    }

    @Test
    void quotesKeepSpacesAndSingleQuotesKeepEverything() {
        assertThat(CommandLine.split("sh -c 'trap \"\" TERM; sleep 60'", true))
                .containsExactly("sh", "-c", "trap \"\" TERM; sleep 60");
        assertThat(CommandLine.split("app --name \"two words\" --path=\"a \\\"b\\\"\"", true))
                .containsExactly("app", "--name", "two words", "--path=a \"b\"");
        assertThat(CommandLine.split("echo '$HOME' a\\ b \"\"", true)).containsExactly("echo", "$HOME", "a b", "");
    }

    @Test
    void onWindowsBackslashesArePathSeparators() {
        assertThat(CommandLine.split("C:\\app\\bin\\collector.exe \"C:\\Program Files\\app\" \"say \\\"hi\\\"\"", false))
                .containsExactly("C:\\app\\bin\\collector.exe", "C:\\Program Files\\app", "say \"hi\"");
    }

    @Test
    void refusesUnclosedQuotesAndBlankLines() {
        assertThatThrownBy(() -> CommandLine.split("app 'oops", true)).hasMessage("unclosed ' in command line: app 'oops");
        assertThatThrownBy(() -> CommandLine.split("   ", true)).hasMessage("empty command line");
    }
}
