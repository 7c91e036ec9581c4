package tandem.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which paths of a folder are replicated: the folder's {@code include} and {@code exclude} globs,
 * matched against {@code '/'}-separated paths relative to the folder's root. Both nodes apply the same
 * filter, so a file the filter leaves out is neither sent nor, in strict mode, deleted on the standby.
 *
 * <p>Glob syntax, as in rsync and {@code .gitignore}:
 * <ul>
 *   <li>{@code **} (a whole segment) matches any number of segments, including none: {@code **} is
 *       everything, {@code logs/**} is {@code logs} and all below it, {@code a/**}{@code /b} matches
 *       {@code a/b} and {@code a/x/y/b};</li>
 *   <li>{@code *} matches any characters and {@code ?} one character within one segment (names
 *       starting with a dot included); {@code [abc]}, {@code [a-z]} and {@code [!abc]} match one
 *       character of (not of) a set; {@code {a,b}} matches either alternative (nesting allowed);</li>
 *   <li>a pattern without {@code '/'} (such as {@code *.tmp} or {@code cache}) matches a name at any
 *       depth; a pattern with a {@code '/'} is anchored at the folder's root (a leading {@code '/'} is
 *       allowed and means the same, a trailing one is ignored).</li>
 * </ul>
 *
 * <p>A pattern that matches a directory also matches everything below it: exclude {@code cache},
 * {@code cache/} or {@code cache/**} and nothing under {@code cache} is replicated, and the directory
 * is not even descended into; include {@code docs} and all of {@code docs} is replicated. A path is
 * replicated when it (or a directory above it) matches an include pattern and neither it nor a
 * directory above it matches an exclude pattern: exclude wins. A directory is replicated when it is
 * included that way itself, or when it is on the way to a replicated file ({@link FolderScanner} adds those);
 * so with {@code include: ["*.txt"]} an empty directory is not replicated but {@code a} in
 * {@code a/b.txt} is.
 */
public final class PathFilter {
    private static final int MAX_ALTERNATIVES = 256;
    private static final int FULL = 1;
    private static final int ANCESTOR = 2;
    private static final int DEEPER = 4;

    private final List<Glob> include;
    private final List<Glob> exclude;
    private final boolean everything;

    private PathFilter(List<Glob> include, List<Glob> exclude, boolean everything) {
        this.include = include;
        this.exclude = exclude;
        this.everything = everything;
    }

    /**
     * Compiles the patterns.
     *
     * @throws IllegalArgumentException naming the pattern when one is empty or malformed (unbalanced
     *                                  braces or brackets)
     */
    public static PathFilter of(List<String> include, List<String> exclude) {
        Objects.requireNonNull(include, "include");
        Objects.requireNonNull(exclude, "exclude");
        List<Glob> in = new ArrayList<>();
        boolean all = false;
        for (String p : include) {
            Glob g = Glob.compile(p);
            all |= g.matchesEverything();
            in.add(g);
        }
        List<Glob> ex = new ArrayList<>();
        for (String p : exclude) {
            ex.add(Glob.compile(p));
        }
        return new PathFilter(List.copyOf(in), List.copyOf(ex), all && ex.isEmpty());
    }

    /** Whether the file at {@code rel} is replicated. */
    public boolean includesFile(String rel) {
        return includes(rel);
    }

    /**
     * Whether the directory at {@code relDir} is replicated for its own sake (it or a directory above
     * it matches an include pattern, and nothing excludes it). Directories on the way to a replicated
     * file are replicated as well; {@link FolderScanner} adds those.
     */
    public boolean includesDir(String relDir) {
        return includes(relDir);
    }

    /**
     * Whether a scan should look inside the directory {@code relDir} ({@code ""} is the root): false
     * when it is excluded (it or a directory above it matches an exclude pattern), or when no include
     * pattern can match anything below it.
     */
    public boolean mayDescend(String relDir) {
        if (everything) {
            return true;
        }
        String[] segs = segments(relDir);
        if (excluded(segs)) {
            return false;
        }
        for (Glob g : include) {
            if (g.match(segs) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code rel} or a directory above it matches an exclude pattern. */
    public boolean excludes(String rel) {
        return !exclude.isEmpty() && excluded(segments(rel));
    }

    private boolean includes(String rel) {
        if (everything) {
            return true;
        }
        String[] segs = segments(rel);
        if (excluded(segs)) {
            return false;
        }
        for (Glob g : include) {
            if ((g.match(segs) & (FULL | ANCESTOR)) != 0) {
                return true;
            }
        }
        return false;
    }

    private boolean excluded(String[] segs) {
        for (Glob g : exclude) {
            if ((g.match(segs) & (FULL | ANCESTOR)) != 0) {
                return true;
            }
        }
        return false;
    }

    private static String[] segments(String rel) {
        Objects.requireNonNull(rel, "path");
        return rel.isEmpty() ? new String[0] : rel.split("/");
    }

    @Override
    public String toString() {
        return "include " + include + " exclude " + exclude;
    }

    /** One pattern, as its brace-expanded alternatives, each a list of segment matchers. */
    private record Glob(String source, List<Seg[]> alternatives) {
        static Glob compile(String pattern) {
            Objects.requireNonNull(pattern, "pattern");
            String p = pattern.strip();
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            boolean anchored = p.indexOf('/') >= 0;
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            if (p.isEmpty()) {
                throw new IllegalArgumentException("empty glob pattern '" + pattern + "'");
            }
            List<String> expanded = new ArrayList<>();
            expand(pattern, p, expanded);
            List<Seg[]> alts = new ArrayList<>();
            for (String e : expanded) {
                List<Seg> segs = new ArrayList<>();
                if (!anchored && e.indexOf('/') < 0) {
                    segs.add(Seg.ANY_DEPTH);
                }
                for (String s : e.split("/", -1)) {
                    if (s.isEmpty()) {
                        continue; // "a//b" is "a/b"
                    }
                    Seg seg = Seg.compile(pattern, s);
                    if (seg == Seg.ANY_DEPTH && !segs.isEmpty() && segs.get(segs.size() - 1) == Seg.ANY_DEPTH) {
                        continue; // "**/**" is "**"
                    }
                    segs.add(seg);
                }
                alts.add(segs.toArray(new Seg[0]));
            }
            return new Glob(pattern, List.copyOf(alts));
        }

        boolean matchesEverything() {
            for (Seg[] a : alternatives) {
                if (a.length == 1 && a[0] == Seg.ANY_DEPTH) {
                    return true;
                }
            }
            return false;
        }

        /** FULL | ANCESTOR | DEEPER flags over all alternatives. */
        int match(String[] path) {
            int r = 0;
            for (Seg[] a : alternatives) {
                r |= match(a, path);
            }
            return r;
        }

        /**
         * Runs the pattern as a small automaton over the path's segments: FULL when the whole path
         * matches, ANCESTOR when a shorter non-empty prefix does, DEEPER when a longer path could.
         */
        private static int match(Seg[] pat, String[] path) {
            int n = pat.length;
            boolean[] states = new boolean[n + 1];
            states[0] = true;
            close(pat, states);
            int r = 0;
            for (int k = 0; k < path.length; k++) {
                if (k > 0 && states[n]) {
                    r |= ANCESTOR;
                }
                boolean[] next = new boolean[n + 1];
                boolean any = false;
                for (int i = 0; i < n; i++) {
                    if (!states[i]) {
                        continue;
                    }
                    if (pat[i] == Seg.ANY_DEPTH) {
                        next[i] = true;
                        any = true;
                    } else if (pat[i].matches(path[k])) {
                        next[i + 1] = true;
                        any = true;
                    }
                }
                if (!any) {
                    return r;
                }
                close(pat, next);
                states = next;
            }
            if (states[n]) {
                r |= FULL;
            }
            for (int i = 0; i < n; i++) {
                if (states[i]) {
                    r |= DEEPER;
                    break;
                }
            }
            return r;
        }

        private static void close(Seg[] pat, boolean[] states) {
            for (int i = 0; i < pat.length; i++) {
                if (states[i] && pat[i] == Seg.ANY_DEPTH) {
                    states[i + 1] = true;
                }
            }
        }

        private static void expand(String original, String p, List<String> out) {
            int open = -1;
            int depth = 0;
            int close = -1;
            List<Integer> commas = new ArrayList<>();
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                if (c == '{') {
                    if (depth == 0) {
                        open = i;
                    }
                    depth++;
                } else if (c == '}') {
                    if (depth == 0) {
                        throw new IllegalArgumentException("unbalanced '}' in glob pattern '" + original + "'");
                    }
                    depth--;
                    if (depth == 0) {
                        close = i;
                        break;
                    }
                } else if (c == ',' && depth == 1) {
                    commas.add(i);
                }
            }
            if (open < 0) {
                if (out.size() >= MAX_ALTERNATIVES) {
                    throw new IllegalArgumentException("glob pattern '" + original + "' has more than "
                            + MAX_ALTERNATIVES + " alternatives");
                }
                out.add(p);
                return;
            }
            if (close < 0) {
                throw new IllegalArgumentException("unbalanced '{' in glob pattern '" + original + "'");
            }
            String head = p.substring(0, open);
            String tail = p.substring(close + 1);
            int from = open + 1;
            commas.add(close);
            for (int comma : commas) {
                expand(original, head + p.substring(from, comma) + tail, out);
                from = comma + 1;
            }
        }
    }

    /** One segment of a pattern: {@code **}, a literal name or a regular expression. */
    private static final class Seg {
        static final Seg ANY_DEPTH = new Seg(null, null);

        private final String literal;
        private final Pattern regex;
        private final String suffix;
        private final String prefix;

        private Seg(String literal, Pattern regex) {
            this(literal, regex, null, null);
        }

        private Seg(String literal, Pattern regex, String prefix, String suffix) {
            this.literal = literal;
            this.regex = regex;
            this.prefix = prefix;
            this.suffix = suffix;
        }

        static Seg compile(String original, String s) {
            if (s.equals("**")) {
                return ANY_DEPTH;
            }
            if (s.indexOf('*') < 0 && s.indexOf('?') < 0 && s.indexOf('[') < 0) {
                return new Seg(s, null);
            }
            int star = s.indexOf('*');
            if (star == s.lastIndexOf('*') && s.indexOf('?') < 0 && s.indexOf('[') < 0) {
                // the common "*.tmp", "core*" and "backup-*.tar": prefix and suffix, no regular expression
                return new Seg(null, null, s.substring(0, star), s.substring(star + 1));
            }
            StringBuilder re = new StringBuilder();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '*' -> {
                        re.append(".*");
                        while (i + 1 < s.length() && s.charAt(i + 1) == '*') {
                            i++;
                        }
                    }
                    case '?' -> re.append('.');
                    case '[' -> {
                        int end = s.indexOf(']', i + 2);
                        if (end < 0) {
                            throw new IllegalArgumentException("unbalanced '[' in glob pattern '" + original + "'");
                        }
                        String set = s.substring(i + 1, end);
                        re.append('[');
                        if (set.startsWith("!") || set.startsWith("^")) {
                            re.append('^');
                            set = set.substring(1);
                        }
                        for (char sc : set.toCharArray()) {
                            if (sc == '\\' || sc == '[' || sc == ']' || sc == '&' || sc == '^') {
                                re.append('\\');
                            }
                            re.append(sc);
                        }
                        re.append(']');
                        i = end;
                    }
                    default -> {
                        if ("\\.^$|+(){}".indexOf(c) >= 0) {
                            re.append('\\');
                        }
                        re.append(c);
                    }
                }
            }
            try {
                return new Seg(null, Pattern.compile(re.toString(), Pattern.DOTALL));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("malformed glob pattern '" + original + "': " + e.getDescription());
            }
        }

        boolean matches(String name) {
            if (literal != null) {
                return literal.equals(name);
            }
            if (regex == null) {
                return name.length() >= prefix.length() + suffix.length() && name.startsWith(prefix) && name.endsWith(suffix);
            }
            return regex.matcher(name).matches();
        }

        @Override
        public String toString() {
            return this == ANY_DEPTH ? "**" : literal != null ? literal : regex != null ? regex.pattern() : prefix + "*" + suffix;
        }
    }
}
