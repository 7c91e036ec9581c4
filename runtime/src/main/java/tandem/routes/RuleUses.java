package tandem.routes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The action and command names the rules write, read from the text of the DRL files: each string
 * literal given to {@code act(...)} (an action), to {@code accepts(...)} or {@code refuses(...)}, or
 * compared with {@code name} in an {@code OperatorCommand(...)} pattern (a command), with its file,
 * line and the rule it is in. Comments are skipped. A name a rule builds at run time (a variable, a
 * concatenation) is not a literal and is not listed: it cannot be checked before it runs, and fails
 * then with a result saying no route carries it.
 */
public final class RuleUses {
    private RuleUses() {
    }

    /** What a rule uses a name for. */
    public enum Kind {
        /** {@code act("vip-up")}: the action must have a route {@code action-vip-up}. */
        ACTION,
        /** {@code accepts("stop")}, {@code OperatorCommand(name == "stop")}: the route {@code command-stop}. */
        COMMAND
    }

    /**
     * @param rule the name of the rule the name is written in, or null outside any rule
     * @param line 1-based line of the name's string literal
     */
    public record Use(Kind kind, String name, Path file, int line, String rule) {
        public String where() {
            return file + ":" + line;
        }
    }

    private static final Pattern ACT = Pattern.compile("\\bact\\s*\\(");
    private static final Pattern ANSWER = Pattern.compile("\\b(?:accepts|refuses)\\s*\\(");
    private static final Pattern COMMAND_PATTERN = Pattern.compile("\\bOperatorCommand\\s*\\(");
    private static final Pattern NAME_EQUALS = Pattern.compile("\\bname\\s*==\\s*(\"\\s*\")");
    private static final Pattern NAME_IN = Pattern.compile("\\bname\\s+in\\s*\\(([^()]*)\\)");
    private static final Pattern RULE = Pattern.compile("(?m)^\\s*rule\\s+(?:\"((?:[^\"\\\\]|\\\\.)*)\"|'([^']*)'|(\\S+))");

    /** The uses in {@code files}, file by file, in the order they are written. */
    public static List<Use> scan(List<Path> files) {
        List<Use> out = new ArrayList<>();
        for (Path f : files) {
            try {
                out.addAll(scan(f, Files.readString(f, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException(f + ": cannot read: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The uses in one file's text. */
    public static List<Use> scan(Path file, String text) {
        String code = withoutComments(text);
        List<Integer> rules = new ArrayList<>();
        List<String> ruleNames = new ArrayList<>();
        Matcher r = RULE.matcher(code);
        while (r.find()) {
            rules.add(r.start());
            ruleNames.add(r.group(1) != null ? r.group(1) : r.group(2) != null ? r.group(2) : r.group(3));
        }
        List<Use> out = new ArrayList<>();
        String masked = masked(code);
        Scanned s = new Scanned(file, text, code, masked, rules, ruleNames, out);
        s.calls(ACT, Kind.ACTION);
        s.calls(ANSWER, Kind.COMMAND);
        Matcher m = COMMAND_PATTERN.matcher(masked);
        while (m.find()) {
            int close = closing(code, m.end() - 1);
            s.commandConstraints(m.end(), close < 0 ? code.length() : close);
        }
        out.sort(java.util.Comparator.comparingInt(Use::line));
        return out;
    }

    /** One file being scanned. */
    private record Scanned(Path file, String text, String code, String masked, List<Integer> rules,
                           List<String> ruleNames, List<Use> out) {

        /** Every string literal among the arguments of each call that {@code call} finds. */
        void calls(Pattern call, Kind kind) {
            Matcher m = call.matcher(masked);
            while (m.find()) {
                int close = closing(code, m.end() - 1);
                int end = close < 0 ? code.length() : close;
                int i = m.end();
                // a literal that is a whole argument, e.g. act("a", "b"), or a branch of a conditional
                // argument, e.g. act(told ? "a" : "b"); "x" + y is built at run time
                for (String arg : split(code.substring(i, end))) {
                    for (String branch : branches(arg)) {
                        String a = branch.strip();
                        String literal = literal(a);
                        if (literal != null) {
                            add(kind, literal, i + arg.indexOf(a));
                        }
                    }
                    i += arg.length() + 1;
                }
            }
        }

        /** {@code name == "x"} and {@code name in ("x", "y")} inside an OperatorCommand pattern. */
        void commandConstraints(int from, int to) {
            Matcher eq = NAME_EQUALS.matcher(masked).region(from, to);
            while (eq.find()) {
                add(Kind.COMMAND, literal(code.substring(eq.start(1), eq.end(1))), eq.start(1));
            }
            Matcher in = NAME_IN.matcher(masked).region(from, to);
            while (in.find()) {
                int i = in.start(1);
                for (String arg : split(code.substring(in.start(1), in.end(1)))) {
                    String a = arg.strip();
                    String literal = literal(a);
                    if (literal != null) {
                        add(Kind.COMMAND, literal, i + arg.indexOf(a));
                    }
                    i += arg.length() + 1;
                }
            }
        }

        private void add(Kind kind, String name, int offset) {
            String rule = null;
            for (int k = 0; k < rules.size(); k++) {
                if (rules.get(k) <= offset) {
                    rule = ruleNames.get(k);
                }
            }
            out.add(new Use(kind, name, file, lineOf(text, offset), rule));
        }
    }

    /** The arguments of a call, split at the commas outside strings and brackets. */
    private static List<String> split(String args) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < args.length(); i++) {
            char ch = args.charAt(i);
            if (ch == '"') {
                i = endOfString(args, i);
            } else if (ch == '(' || ch == '[' || ch == '{') {
                depth++;
            } else if (ch == ')' || ch == ']' || ch == '}') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                out.add(args.substring(start, i));
                start = i + 1;
            }
        }
        out.add(args.substring(start));
        return out;
    }

    /**
     * The values an argument can take: itself, or for a conditional {@code c ? x : y} (outside strings
     * and brackets) each of its branches, nested conditionals included.
     */
    private static List<String> branches(String arg) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < arg.length(); i++) {
            char ch = arg.charAt(i);
            if (ch == '"') {
                i = endOfString(arg, i);
            } else if (ch == '(' || ch == '[' || ch == '{') {
                depth++;
            } else if (ch == ')' || ch == ']' || ch == '}') {
                depth--;
            } else if ((ch == '?' || ch == ':') && depth == 0) {
                parts.add(arg.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(arg.substring(start));
        // the first part of a conditional is its condition, never a value
        return parts.size() == 1 ? parts : parts.subList(1, parts.size());
    }

    /** The text of {@code arg} when it is exactly one string literal, else null. */
    private static String literal(String arg) {
        if (arg.length() < 2 || arg.charAt(0) != '"' || endOfString(arg, 0) != arg.length() - 1) {
            return null;
        }
        return unescape(arg.substring(1, arg.length() - 1));
    }

    private static String unescape(String s) {
        return s.replaceAll("\\\\(.)", "$1");
    }

    /** The index of the parenthesis that closes the one at {@code open}, or -1. */
    private static int closing(String code, int open) {
        int depth = 0;
        for (int i = open; i < code.length(); i++) {
            char ch = code.charAt(i);
            if (ch == '"') {
                i = endOfString(code, i);
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the quote that ends the string literal starting at {@code open} (or the text's end). */
    private static int endOfString(String code, int open) {
        for (int i = open + 1; i < code.length(); i++) {
            char ch = code.charAt(i);
            if (ch == '\\') {
                i++;
            } else if (ch == '"') {
                return i;
            }
        }
        return code.length() - 1;
    }

    /**
     * {@code code} with the contents of every string literal blanked out (the quotes kept), so that a
     * pattern never matches inside a reason's text; offsets stay as written.
     */
    static String masked(String code) {
        StringBuilder b = new StringBuilder(code);
        for (int i = 0; i < b.length(); i++) {
            if (b.charAt(i) == '"') {
                int end = endOfString(code, i);
                for (int k = i + 1; k < end; k++) {
                    if (b.charAt(k) != '\n') {
                        b.setCharAt(k, ' ');
                    }
                }
                i = end;
            }
        }
        return b.toString();
    }

    /** {@code text} with every comment blanked out (line breaks kept, so offsets and lines stay as written). */
    static String withoutComments(String text) {
        StringBuilder b = new StringBuilder(text);
        int i = 0;
        while (i < b.length()) {
            char ch = b.charAt(i);
            if (ch == '"') {
                i = endOfString(text, i) + 1;
            } else if (ch == '/' && i + 1 < b.length() && b.charAt(i + 1) == '/') {
                while (i < b.length() && b.charAt(i) != '\n') {
                    b.setCharAt(i++, ' ');
                }
            } else if (ch == '/' && i + 1 < b.length() && b.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                int stop = end < 0 ? b.length() : end + 2;
                for (; i < stop; i++) {
                    if (b.charAt(i) != '\n') {
                        b.setCharAt(i, ' ');
                    }
                }
            } else {
                i++;
            }
        }
        return b.toString();
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
