package tandem.os;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line from the config into argv the way a POSIX shell would for plain words:
 * whitespace separates arguments; {@code '...'} keeps everything literally; {@code "..."} keeps
 * spaces and honours {@code \"} and {@code \\}; outside quotes a backslash escapes the next
 * character. No variables, globs or redirections: the program gets exactly these words.
 */
public final class CommandLine {
    private CommandLine() {
    }

    /**
     * Splits {@code line}; on Windows a backslash is an ordinary character (it separates paths there),
     * except for {@code \"} inside double quotes.
     *
     * @throws IllegalArgumentException the line is blank or a quote is not closed
     */
    public static List<String> split(String line) {
        return split(line, !Os.windows());
    }

    /** {@link #split(String)} with the backslash rule chosen by the caller. */
    static List<String> split(String line, boolean backslashEscapes) {
        List<String> argv = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quote == '\'') {
                if (ch == '\'') {
                    quote = 0;
                } else {
                    word.append(ch);
                }
            } else if (quote == '"') {
                if (ch == '"') {
                    quote = 0;
                } else if (ch == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0
                        && (backslashEscapes || line.charAt(i + 1) == '"')) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(ch);
                }
            } else if (Character.isWhitespace(ch)) {
                if (inWord) {
                    argv.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                inWord = true;
                if (ch == '\'' || ch == '"') {
                    quote = ch;
                } else if (ch == '\\' && backslashEscapes && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(ch);
                }
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unclosed " + quote + " in command line: " + line);
        }
        if (inWord) {
            argv.add(word.toString());
        }
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command line");
        }
        return argv;
    }
}
