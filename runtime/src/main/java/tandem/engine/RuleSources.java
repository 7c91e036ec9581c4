package tandem.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.drl.parser.DrlParser;
import org.drools.drl.parser.DroolsParserException;
import org.kie.internal.builder.conf.LanguageLevelOption;

/**
 * The DRL files of a node as text, read with the DRL parser before they are compiled: which rules each
 * file holds and where, so that a rule of a later folder replaces the earlier rule of the same name,
 * a rule the site switched off is left out, and an error Drools reports without a line gets one.
 *
 * <p>A rule that is left out is blanked in the text handed to the compiler (every character but the
 * line breaks becomes a space), so every other rule keeps its line and every error its FILE:LINE.
 */
final class RuleSources {

    /**
     * One rule as written.
     *
     * @param folder the index of its folder in load order
     * @param start  offset of {@code rule} in the file's text
     * @param end    offset just after its {@code end}
     * @param when   its conditions, normalized (see {@link #normalize})
     * @param then   its consequence, normalized
     */
    record Rule(String name, Path file, int folder, int line, int start, int end, String when, String then) {
        RuleSet.Where where() {
            return new RuleSet.Where(file, line);
        }
    }

    /**
     * One file: its text as read, and the rules the parser finds in it (none when it does not parse),
     * parsed on first use: a node without site rules compiles its files without this second parse.
     */
    static final class Source {
        final Path file;
        final int folder;
        final String text;
        private List<Rule> rules;
        private final List<Rule> left = new ArrayList<>();

        Source(Path file, int folder, String text) {
            this.file = file;
            this.folder = folder;
            this.text = text;
        }

        /** The rules of the file, in file order. */
        List<Rule> rules() {
            if (rules == null) {
                List<Rule> found = new ArrayList<>();
                for (RuleDescr r : parse(text)) {
                    if (r.getStartCharacter() < 0 || r.getEndCharacter() <= r.getStartCharacter()
                            || r.getEndCharacter() > text.length()) {
                        continue;
                    }
                    int ws = r.getLhs() == null ? -1 : r.getLhs().getStartCharacter();
                    int we = r.getLhs() == null ? -1 : r.getLhs().getEndCharacter();
                    String when = ws >= 0 && we > ws && we <= text.length() ? text.substring(ws, we) : "";
                    found.add(new Rule(r.getName(), file, folder, r.getLine(), r.getStartCharacter(), r.getEndCharacter(),
                            normalize(when), normalize(r.getConsequence() == null ? "" : r.getConsequence().toString())));
                }
                rules = List.copyOf(found);
            }
            return rules;
        }

        /** Leaves {@code r} out of what is compiled. */
        void leaveOut(Rule r) {
            left.add(r);
        }

        boolean compiles(Rule r) {
            return !left.contains(r);
        }

        /** The text to compile: the file's, with the rules left out blanked. */
        String compiledText() {
            if (left.isEmpty()) {
                return text;
            }
            char[] chars = text.toCharArray();
            for (Rule r : left) {
                for (int i = r.start(); i < r.end(); i++) {
                    if (chars[i] != '\n' && chars[i] != '\r') {
                        chars[i] = ' ';
                    }
                }
            }
            return new String(chars);
        }

        private static List<RuleDescr> parse(String text) {
            try {
                PackageDescr p = new DrlParser(LanguageLevelOption.DRL6).parse(null, text);
                return p == null ? List.of() : p.getRules();
            } catch (DroolsParserException | RuntimeException e) {
                // the compiler reports the same file with its errors and lines
                return List.of();
            }
        }
    }

    private static final Pattern ANALYSE = Pattern.compile("Unable to Analyse Expression (.+?):\\s*(?:\\n|\\[|$)",
            Pattern.DOTALL);
    private static final Pattern NEAR = Pattern.compile("\\[Near : \\{\\.\\.\\. (.+?) \\.\\.\\.\\.}]", Pattern.DOTALL);

    private RuleSources() {
    }

    /**
     * Where the expression an MVEL error names ({@code Unable to Analyse Expression state == NodeState.SECUND})
     * is in {@code source}: the rule holding it and the line. Drools reports one error per rule in file
     * order, so the {@code nth} error with the same expression is its {@code nth} occurrence.
     */
    static Optional<Located> locate(Source source, String message, int nth) {
        String expression = expressionOf(message);
        if (expression == null) {
            return Optional.empty();
        }
        String wanted = expression.replaceAll("\\s+", "");
        if (wanted.isEmpty()) {
            return Optional.empty();
        }
        int seen = 0;
        Located first = null;
        for (Rule r : source.rules()) {
            if (!source.compiles(r)) {
                continue;
            }
            StringBuilder squeezed = new StringBuilder();
            List<Integer> at = new ArrayList<>();
            for (int i = r.start(); i < r.end(); i++) {
                char c = source.text.charAt(i);
                if (!Character.isWhitespace(c)) {
                    squeezed.append(c);
                    at.add(i);
                }
            }
            for (int k = squeezed.indexOf(wanted); k >= 0; k = squeezed.indexOf(wanted, k + 1)) {
                Located l = new Located(r, lineOf(source.text, at.get(k)));
                if (first == null) {
                    first = l;
                }
                if (seen++ == nth) {
                    return Optional.of(l);
                }
            }
        }
        return Optional.ofNullable(first);
    }

    /** An expression found: the rule that holds it and its line. */
    record Located(Rule rule, int line) {
    }

    /** The expression an MVEL error names, or null. */
    static String expressionOf(String message) {
        if (message == null) {
            return null;
        }
        Matcher m = ANALYSE.matcher(message);
        if (m.find()) {
            return m.group(1).strip();
        }
        m = NEAR.matcher(message);
        return m.find() ? m.group(1).strip() : null;
    }

    /** 1-based line of {@code offset} in {@code text}. */
    static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /**
     * DRL text reduced to what it means: comments dropped, and white space kept only where it separates
     * two words, so that layout and comments never make two rules differ. Strings stay as written.
     */
    static String normalize(String drl) {
        StringBuilder out = new StringBuilder();
        boolean space = false;
        int n = drl.length();
        for (int i = 0; i < n; i++) {
            char c = drl.charAt(i);
            if (c == '/' && i + 1 < n && drl.charAt(i + 1) == '/') {
                while (i < n && drl.charAt(i) != '\n') {
                    i++;
                }
                space = true;
            } else if (c == '/' && i + 1 < n && drl.charAt(i + 1) == '*') {
                int close = drl.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 1;
                space = true;
            } else if (Character.isWhitespace(c)) {
                space = true;
            } else {
                if (space && !out.isEmpty() && word(out.charAt(out.length() - 1)) && word(c)) {
                    out.append(' ');
                }
                space = false;
                if (c == '"' || c == '\'') {
                    int j = i + 1;
                    while (j < n && drl.charAt(j) != c) {
                        j += drl.charAt(j) == '\\' ? 2 : 1;
                    }
                    j = Math.min(j, n - 1);
                    out.append(drl, i, j + 1);
                    i = j;
                } else {
                    out.append(c);
                }
            }
        }
        return out.toString();
    }

    private static boolean word(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /** The rules of every source by name, in load order. */
    static Map<String, List<Rule>> byName(List<Source> sources) {
        Map<String, List<Rule>> byName = new LinkedHashMap<>();
        for (Source s : sources) {
            for (Rule r : s.rules()) {
                byName.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(r);
            }
        }
        return byName;
    }

    /** The source of each file. */
    static Map<Path, Source> byFile(List<Source> sources) {
        Map<Path, Source> m = new HashMap<>();
        sources.forEach(s -> m.put(s.file, s));
        return m;
    }
}
