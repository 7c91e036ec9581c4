package tandem.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tandem.AtomicFiles;
import tandem.config.ConfigError;
import tandem.config.ConfigException;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.config.PasswordHash;
import tandem.config.TextFile;

/**
 * {@code tandem set-password --config FILE [--user NAME]}: hashes a new console password
 * ({@link PasswordHash}) and writes {@code password-hash:} into the file's {@code console:} block, line by
 * line, so that every other line, comment and indentation stays as the operator wrote it (a YAML library
 * would rewrite the whole file). The password comes from the terminal (asked twice, not echoed) or, for
 * scripts, from the first line of standard input.
 *
 * <p>The file is replaced atomically ({@link AtomicFiles}) with its permissions, then loaded again; if it
 * no longer loads, the old content is put back. A {@code password-hash: ${file:PATH}} gets the hash into
 * PATH instead (mode 600); a {@code ${env:NAME}} one, or a {@code console: {...}} written in flow style,
 * cannot be edited here: the hash is printed for the operator to place.
 */
final class SetPassword {
    /** Shorter is refused: the hash sits in a file both nodes and their backups carry. */
    static final int MIN_LENGTH = 10;
    /** A line of standard input longer than this is not a password typed or piped by a person. */
    private static final int MAX_INPUT_BYTES = 4096;
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]*)}");
    private static final Pattern CONSOLE = Pattern.compile("console[ \\t]*:(.*)");
    private static final Pattern PLAIN_USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._@-]*");
    private static final Set<String> YAML_WORDS = Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n");

    private SetPassword() {
    }

    /**
     * @param user the console user to write too, or empty to keep the file's ({@code admin} when it has none)
     */
    record Args(Path config, Optional<String> user) {
    }

    static Args args(List<String> argv) {
        List<String> rest = new ArrayList<>(argv);
        Map<String, String> opts = new LinkedHashMap<>();
        while (!rest.isEmpty()) {
            String a = rest.remove(0);
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (!name.equals("--config") && !name.equals("--user")) {
                throw new Main.UsageException("unknown option \"" + a + "\"");
            }
            if (opts.containsKey(name)) {
                throw new Main.UsageException(name + " given twice");
            }
            String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : rest.isEmpty() ? null : rest.remove(0);
            if (value == null || value.isEmpty()) {
                throw new Main.UsageException(name + " needs a value");
            }
            opts.put(name, value);
        }
        if (!opts.containsKey("--config")) {
            throw new Main.UsageException("--config FILE is required");
        }
        String user = opts.get("--user");
        if (user != null && (user.isBlank() || user.length() > 64 || user.chars().anyMatch(Character::isISOControl))) {
            throw new Main.UsageException("--user must be 1 to 64 characters without control characters");
        }
        return new Args(Path.of(opts.get("--config")), Optional.ofNullable(user).map(String::strip));
    }

    /**
     * @param terminal where the password is asked (twice, not echoed); null to read the first line of {@code stdin}
     */
    static int run(Args a, java.io.Console terminal, InputStream stdin, PrintStream out, PrintStream err)
            throws IOException {
        Path file = a.config();
        if (!Files.exists(file)) {
            err.println("tandem set-password: " + file + ": no such file");
            return 1;
        }
        if (!Files.isRegularFile(file)) {
            err.println("tandem set-password: " + file + ": not a regular file");
            return 1;
        }
        Path real = file.toRealPath(); // a symbolic link stays one: its target is what gets replaced
        String text;
        try {
            text = TextFile.read(real, TextFile.DOCUMENT_LIMIT, "a configuration");
        } catch (TextFile.Unreadable e) {
            err.println(file + (e.problem().line() > 0 ? ":" + e.problem().line() : "") + ": " + e.problem().message());
            return 1;
        }
        Target target = target(text, real.getParent());

        char[] password = terminal != null ? fromTerminal(terminal, err) : fromStdin(stdin, err);
        if (password == null) {
            return 1;
        }
        String hash;
        try {
            if (password.length < MIN_LENGTH) {
                err.println("tandem set-password: the password is " + password.length + " characters; it must be at least "
                        + MIN_LENGTH + " (nothing changed)");
                return 1;
            }
            hash = PasswordHash.create(password).text();
        } finally {
            Arrays.fill(password, '\0');
        }

        if (target instanceof Target.Elsewhere e) {
            out.println(hash);
            err.println("tandem set-password: " + file + ": " + e.why() + "; nothing written. " + e.todo()
                    + (a.user().isPresent() ? ", and console.user to " + a.user().get() : "")
                    + "; both nodes need the same hash (the peer link compares them).");
            return 1;
        }
        Map<String, String> entries = new LinkedHashMap<>();
        a.user().ifPresent(u -> entries.put("user", yamlScalar(u)));
        String where;
        if (target instanceof Target.SecretFile s) {
            if (Files.exists(s.file()) && !Files.isRegularFile(s.file())) {
                err.println("tandem set-password: " + file + ": console.password-hash names " + s.reference() + ", and "
                        + s.file() + " is not a regular file; nothing changed");
                return 1;
            }
            byte[] before = Files.exists(s.file()) ? Files.readAllBytes(s.file()) : null;
            AtomicFiles.write(s.file(), (hash + "\n").getBytes(StandardCharsets.UTF_8),
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            int status = entries.isEmpty() ? verified(file, real, text, text, err) : verified(file, real, text,
                    edit(text, entries), err);
            if (status != 0) {
                if (before != null) {
                    AtomicFiles.write(s.file(), before, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                } else {
                    Files.deleteIfExists(s.file());
                }
                return status;
            }
            where = s.file() + " (" + file + " reads it as " + s.reference() + ")";
        } else {
            entries.put("password-hash", hash);
            int status = verified(file, real, text, edit(text, entries), err);
            if (status != 0) {
                return status;
            }
            where = file.toString();
        }
        String user = a.user().orElseGet(() -> ConfigLoader.load(file).console().user());
        out.println("console password of " + user + " set in " + where + ".");
        out.println("Set the same on the peer node: its console.password-hash must be identical (the peer link compares"
                + " the two), so copy this line into the console: block of its config as it is");
        out.println("  password-hash: " + hash);
        out.println("(running tandem set-password there, even with the same password, makes a different hash: a new"
                + " salt).");
        out.println("A running node keeps the hash it started with (console.password-hash is not applied while it"
                + " runs; its status lists it as waiting for a restart): restart both nodes to use the new password;"
                + " while one runs with the old hash and the other with the new, the peer link reports a settings"
                + " mismatch.");
        return 0;
    }

    /**
     * Writes {@code after} over the config (unless it equals {@code before}), loads it, and puts {@code before}
     * back when it does not load.
     *
     * @return 0, or 1 with the problems printed
     */
    private static int verified(Path file, Path real, String before, String after, PrintStream err) throws IOException {
        List<String> problemsBefore = problems(file);
        if (!after.equals(before)) {
            save(real, after.getBytes(StandardCharsets.UTF_8));
        }
        List<String> problemsAfter = problems(file);
        if (problemsAfter.isEmpty()) {
            return 0;
        }
        if (!after.equals(before)) {
            save(real, before.getBytes(StandardCharsets.UTF_8));
        }
        err.println("tandem set-password: " + file + " does not load with the new password hash, so it was put back as"
                + " it was:");
        problemsAfter.forEach(err::println);
        if (!problemsBefore.isEmpty()) {
            err.println("(it did not load before the change either: fix these, or run this where the environment"
                    + " variables it names are set, and run tandem set-password again)");
        }
        return 1;
    }

    private static List<String> problems(Path file) {
        try {
            ConfigLoader.load(file);
            return List.of();
        } catch (ConfigException e) {
            return e.errors().stream().map(ConfigError::toString).toList();
        }
    }

    /** Replaces {@code real} keeping its permissions and, when this process may, its owner and group. */
    private static void save(Path real, byte[] content) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(real, PosixFileAttributeView.class);
        PosixFileAttributes attrs = view != null ? view.readAttributes() : null;
        Set<PosixFilePermission> mode = attrs != null ? attrs.permissions() : null;
        AtomicFiles.write(real, content, mode);
        if (attrs != null) {
            PosixFileAttributeView now = Files.getFileAttributeView(real, PosixFileAttributeView.class);
            UserPrincipal owner = attrs.owner();
            GroupPrincipal group = attrs.group();
            try {
                if (!now.getOwner().equals(owner)) {
                    now.setOwner(owner);
                }
                if (!now.readAttributes().group().equals(group)) {
                    now.setGroup(group);
                }
            } catch (IOException e) {
                // only root may give a file away; a config edited by its own owner never gets here
            }
        }
    }

    private static char[] fromTerminal(java.io.Console terminal, PrintStream err) {
        char[] first = terminal.readPassword("New console password: ");
        if (first == null) {
            err.println("tandem set-password: no password given (end of input); nothing changed");
            return null;
        }
        char[] second = terminal.readPassword("The same again: ");
        try {
            if (second == null || !Arrays.equals(first, second)) {
                Arrays.fill(first, '\0');
                err.println("tandem set-password: the two passwords differ; nothing changed");
                return null;
            }
            return first;
        } finally {
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    /** The first line of {@code in} without its line end; null (and a message) when there is none. */
    private static char[] fromStdin(InputStream in, PrintStream err) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        boolean any = false;
        while ((b = in.read()) >= 0 && b != '\n') {
            any = true;
            if (line.size() >= MAX_INPUT_BYTES) {
                err.println("tandem set-password: the first line of standard input is longer than " + MAX_INPUT_BYTES
                        + " bytes; nothing changed");
                return null;
            }
            line.write(b);
        }
        if (!any && b < 0) {
            err.println("tandem set-password: no password on standard input (there is no terminal to ask on: pipe it"
                    + " in, e.g. echo \"$PW\" | tandem set-password --config FILE); nothing changed");
            return null;
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, length));
            char[] password = new char[chars.remaining()];
            chars.get(password);
            Arrays.fill(chars.array(), '\0');
            return password;
        } catch (CharacterCodingException e) {
            err.println("tandem set-password: the password on standard input is not UTF-8 text; nothing changed");
            return null;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Where {@code password-hash} goes, from the config's text. */
    sealed interface Target {
        /** In the config's own {@code console:} block (there, or inserted, or a new block). */
        record InConfig() implements Target {
        }

        /** Into the file a {@code ${file:PATH}} names. */
        record SecretFile(String reference, Path file) implements Target {
        }

        /** Nowhere this command can write: the operator places the printed hash ({@code todo} says how). */
        record Elsewhere(String why, String todo) implements Target {
        }
    }

    static Target target(String text, Path configDir) {
        List<String> lines = lines(text);
        int console = consoleLine(lines);
        if (console < 0) {
            return new Target.InConfig();
        }
        String value = valueAndComment(CONSOLE.matcher(body(lines.get(console))).replaceFirst("$1"))[0];
        if (!value.isEmpty()) {
            return new Target.Elsewhere(value.startsWith("{") ? "console: is written in flow style ({...}), which this"
                    + " command does not rewrite" : "console: is not a block of its own lines",
                    "Add password-hash: <the hash printed above> to the console mapping");
        }
        int indent = childIndent(lines, console);
        int at = keyLine(lines, console, indent, "password-hash");
        if (at < 0) {
            return new Target.InConfig();
        }
        String current = valueAndComment(body(lines.get(at)).substring(indent + "password-hash".length())
                .replaceFirst("^[ \\t]*:", ""))[0];
        Matcher ref = REFERENCE.matcher(current);
        if (!ref.matches()) {
            return new Target.InConfig();
        }
        if (ref.group(1).equals("env")) {
            return new Target.Elsewhere("console.password-hash is " + current + ", which this command cannot set",
                    "Set the environment variable " + ref.group(2).strip() + " to the hash printed above where the node"
                    + " runs (a running node takes it when restarted)");
        }
        return new Target.SecretFile(current, configDir.resolve(ref.group(2).strip()).normalize());
    }

    /**
     * {@code text} with each entry ({@code key: value}) set in the top-level {@code console:} block: an existing
     * line of the key replaced (its indentation and a trailing comment kept), a missing one inserted as the
     * block's first child (indented like the others, 2 spaces when there are none), and a {@code console:}
     * block appended when the file has none. Every other byte stays as it was.
     */
    static String edit(String text, Map<String, String> entries) {
        List<String> lines = new ArrayList<>(lines(text));
        String eol = text.contains("\r\n") ? "\r\n" : "\n";
        int console = consoleLine(lines);
        if (console < 0) {
            StringBuilder sb = new StringBuilder(text);
            if (!text.isEmpty() && !text.endsWith("\n")) {
                sb.append(eol);
            }
            sb.append("console:").append(eol);
            int indent = Math.max(2, firstIndent(lines));
            entries.forEach((k, v) -> sb.append(" ".repeat(indent)).append(k).append(": ").append(v).append(eol));
            return sb.toString();
        }
        int indent = childIndent(lines, console);
        List<String> inserted = new ArrayList<>();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            int at = keyLine(lines, console, indent, e.getKey());
            if (at < 0) {
                inserted.add(" ".repeat(indent) + e.getKey() + ": " + e.getValue() + eol);
                continue;
            }
            String line = lines.get(at);
            String rest = body(line).substring(indent + e.getKey().length()).replaceFirst("^[ \\t]*:", "");
            String[] vc = valueAndComment(rest);
            lines.set(at, " ".repeat(indent) + e.getKey() + ": " + e.getValue() + vc[1] + ending(line, eol));
            if (vc[0].isEmpty() || vc[0].startsWith("|") || vc[0].startsWith(">")) {
                // the old value went on over the lines below (a block scalar, or a value on the next line)
                int last = at;
                for (int j = at + 1; j < lines.size(); j++) {
                    String b = body(lines.get(j));
                    if (b.isBlank()) {
                        continue;
                    }
                    if (indentOf(b) <= indent) {
                        break;
                    }
                    last = j;
                }
                lines.subList(at + 1, last + 1).clear();
            }
        }
        if (!inserted.isEmpty()) {
            String head = lines.get(console);
            if (ending(head, "").isEmpty()) {
                lines.set(console, head + eol);
            }
            lines.addAll(console + 1, inserted);
        }
        return String.join("", lines);
    }

    /** The lines of {@code text}, each with its line end (the last may have none). */
    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                out.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
        return out;
    }

    private static String body(String line) {
        return line.endsWith("\r\n") ? line.substring(0, line.length() - 2)
                : line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
    }

    private static String ending(String line, String none) {
        return line.endsWith("\r\n") ? "\r\n" : line.endsWith("\n") ? "\n" : none;
    }

    private static int indentOf(String body) {
        int i = 0;
        while (i < body.length() && body.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private static boolean content(String body) {
        String s = body.strip();
        return !s.isEmpty() && !s.startsWith("#");
    }

    /** The index of the top-level {@code console:} key, or -1. */
    private static int consoleLine(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = CONSOLE.matcher(body(lines.get(i)));
            if (m.matches() && (m.group(1).isEmpty() || m.group(1).startsWith(" ") || m.group(1).startsWith("\t"))) {
                return i;
            }
        }
        return -1;
    }

    /** The indentation of the block's children: its first content line's, 2 when it has none. */
    private static int childIndent(List<String> lines, int console) {
        for (int j = console + 1; j < lines.size(); j++) {
            String b = body(lines.get(j));
            if (content(b)) {
                int indent = indentOf(b);
                return indent > 0 ? indent : 2;
            }
        }
        return 2;
    }

    /** The first indentation used in the file, for a new block; 0 when it has no indented line. */
    private static int firstIndent(List<String> lines) {
        for (String line : lines) {
            String b = body(line);
            if (content(b) && indentOf(b) > 0) {
                return indentOf(b);
            }
        }
        return 0;
    }

    /** The line of {@code key} among the block's direct children (at {@code indent}), or -1. */
    private static int keyLine(List<String> lines, int console, int indent, String key) {
        Pattern p = Pattern.compile(" ".repeat(indent) + Pattern.quote(key) + "[ \\t]*:([ \\t].*)?");
        for (int j = console + 1; j < lines.size(); j++) {
            String b = body(lines.get(j));
            if (!content(b)) {
                continue;
            }
            if (indentOf(b) == 0) {
                return -1;
            }
            if (p.matcher(b).matches()) {
                return j;
            }
        }
        return -1;
    }

    /**
     * What follows a key's colon, as {value without quotes, trailing comment with the blanks before it (or "")}.
     */
    static String[] valueAndComment(String rest) {
        int i = 0;
        while (i < rest.length() && (rest.charAt(i) == ' ' || rest.charAt(i) == '\t')) {
            i++;
        }
        int end = i;
        String value;
        if (i < rest.length() && (rest.charAt(i) == '"' || rest.charAt(i) == '\'')) {
            char q = rest.charAt(i);
            int j = i + 1;
            while (j < rest.length()) {
                char c = rest.charAt(j);
                if (q == '"' && c == '\\') {
                    j += 2;
                    continue;
                }
                if (c == q) {
                    if (q == '\'' && j + 1 < rest.length() && rest.charAt(j + 1) == '\'') {
                        j += 2;
                        continue;
                    }
                    break;
                }
                j++;
            }
            value = rest.substring(i + 1, Math.min(j, rest.length()));
            end = Math.min(j + 1, rest.length());
        } else {
            int hash = -1;
            for (int j = i; j < rest.length(); j++) {
                if (rest.charAt(j) == '#' && (j == i || rest.charAt(j - 1) == ' ' || rest.charAt(j - 1) == '\t')) {
                    hash = j;
                    break;
                }
            }
            value = (hash < 0 ? rest.substring(i) : rest.substring(i, hash)).strip();
            end = hash < 0 ? rest.length() : hash;
            while (end > i && (rest.charAt(end - 1) == ' ' || rest.charAt(end - 1) == '\t')) {
                end--;
            }
        }
        String after = rest.substring(end);
        int hash = after.indexOf('#');
        return new String[] {value, hash < 0 ? "" : after.substring(0, hash).isEmpty() ? " " + after : after};
    }

    /** {@code s} as a YAML scalar: plain when it reads back as the same string, else double-quoted. */
    private static String yamlScalar(String s) {
        if (PLAIN_USER.matcher(s).matches() && !YAML_WORDS.contains(s.toLowerCase(java.util.Locale.ROOT))
                && !s.matches("[0-9._-]+")) {
            return s;
        }
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                default -> q.append(c);
            }
        }
        return q.append('"').toString();
    }
}
