package tandem.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The values of one node file: each scalar conversion ({@link Conversion}) reports its own error, at
 * the value's line, into {@link Problems} and returns empty, so the reading goes on and one run finds
 * every error. {@link ConfigReader} reads the schema's sections with them.
 */
abstract class ValueReader {
    /** node.id, peer.id, checker/service names: safe in file names, logs and URLs. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]*)}");

    final Path baseDir;
    final Map<String, String> env;
    final Problems problems;
    /** The parsed file; set before anything is read. */
    YamlTree tree;

    ValueReader(String displayName, Path baseDir, Map<String, String> env) {
        this.baseDir = baseDir;
        this.env = env;
        this.problems = new Problems(displayName);
    }

    @FunctionalInterface
    interface Conversion<T> {
        Optional<T> apply(String path, JsonNode value);
    }

    /** Any scalar, as written: {@code id: 007} is "007", {@code user: on} is "on" (not YAML 1.1's true). */
    Optional<String> text(String path, JsonNode v) {
        if (v.isTextual()) {
            return Optional.of(v.textValue());
        }
        if (v.isValueNode()) {
            String written = tree.scalarText(path);
            return Optional.of(written != null ? written : v.asText());
        }
        return fail(path, "must be a string, got " + describe(path, v));
    }

    Optional<String> nonBlank(String path, JsonNode v) {
        return text(path, v).flatMap(t -> t.isBlank() ? fail(path, "must not be empty") : Optional.of(t.strip()));
    }

    Optional<String> id(String path, JsonNode v) {
        return nonBlank(path, v).flatMap(t -> ID.matcher(t).matches() ? Optional.of(t)
                : fail(path, "must be 1 to 63 letters, digits, '_', '.' or '-', starting with a letter or digit, got "
                        + quote(t)));
    }

    Optional<String> address(String path, JsonNode v) {
        return nonBlank(path, v).flatMap(t -> Addresses.isHostOrAddress(t) ? Optional.of(t)
                : fail(path, "must be an IPv4 or IPv6 address or a host name, got " + quote(t)));
    }

    Optional<String> mailAddress(String path, JsonNode v) {
        return nonBlank(path, v).flatMap(t -> Addresses.isMailAddress(t) ? Optional.of(t)
                : fail(path, "must be a mail address like ops@example.org, got " + quote(t)));
    }

    Optional<Integer> port(String path, JsonNode v) {
        return integer(path, v, 1, 65535);
    }

    Optional<Integer> integer(String path, JsonNode v, int min, int max) {
        BigInteger n;
        if (v.isIntegralNumber()) {
            n = v.bigIntegerValue();
        } else if (v.isTextual() && v.textValue().strip().matches("[+-]?\\d+")) {
            n = new BigInteger(v.textValue().strip()); // "7401" quoted: Jackson databind accepts it too
        } else if (v.isNumber()) {
            return fail(path, "must be a whole number, got " + describe(path, v));
        } else {
            return fail(path, "must be a number, got " + describe(path, v));
        }
        if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            String range = max == Integer.MAX_VALUE ? "at least " + min : min + ".." + max;
            return fail(path, "must be " + range + ", got " + n);
        }
        return Optional.of(n.intValue());
    }

    Optional<Boolean> bool(String path, JsonNode v) {
        if (v.isBoolean()) {
            return Optional.of(v.booleanValue());
        }
        if (v.isTextual() && (v.textValue().equals("true") || v.textValue().equals("false"))) {
            return Optional.of(Boolean.parseBoolean(v.textValue()));
        }
        return fail(path, "must be true or false, got " + describe(path, v));
    }

    Optional<Duration> duration(String path, JsonNode v) {
        String hint = "must be a duration such as 500ms, 30s, 5m, 2h or 1d";
        if (v.isNumber()) {
            return fail(path, hint + " (with a unit), got " + describe(path, v));
        }
        if (!v.isTextual()) {
            return fail(path, hint + ", got " + describe(path, v));
        }
        Optional<Duration> d = Durations.parse(v.textValue());
        if (d.isEmpty()) {
            return fail(path, hint + ", got " + describe(path, v));
        }
        if (d.get().isZero()) {
            return fail(path, "must be greater than 0, got " + describe(path, v));
        }
        return d;
    }

    /** A duration from {@code min} to {@code max}, both included. */
    Optional<Duration> durationIn(String path, JsonNode v, Duration min, Duration max) {
        return duration(path, v).flatMap(d -> d.compareTo(min) >= 0 && d.compareTo(max) <= 0 ? Optional.of(d)
                : fail(path, "must be " + Durations.format(min) + ".." + Durations.format(max) + ", got " + describe(path, v)));
    }

    <E extends Enum<E> & YamlNamed> Optional<E> enumValue(String path, JsonNode v, Class<E> type) {
        Optional<E> e = v.isValueNode() ? YamlNamed.lookup(type, text(path, v).orElseThrow().strip()) : Optional.empty();
        if (e.isEmpty()) {
            return fail(path, "must be one of " + YamlNamed.allowed(type) + "; got " + describe(path, v));
        }
        return e;
    }

    /** A path as written, resolved against the config file's folder. */
    Optional<Path> path(String path, JsonNode v) {
        return nonBlank(path, v).flatMap(t -> {
            try {
                return Optional.of(baseDir.resolve(t).normalize());
            } catch (InvalidPathException e) {
                return fail(path, "is not a valid path (" + e.getReason() + "), got " + quote(t));
            }
        });
    }

    /** A path (relative to the config file's folder) that is not a file-system root: that would allow all. */
    Optional<Path> allowedRoot(String path, JsonNode v) {
        return path(path, v).flatMap(p -> p.getNameCount() == 0
                ? fail(path, "must not be a file-system root (it would let the active node write anywhere), got "
                        + quote(v.asText()))
                : Optional.of(p));
    }

    Optional<String> glob(String path, JsonNode v) {
        return nonBlank(path, v).flatMap(t -> {
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + t);
                return Optional.of(t);
            } catch (PatternSyntaxException e) {
                return fail(path, "must be a valid glob, got " + quote(t) + ": " + e.getDescription());
            }
        });
    }

    /** A list of {@code each}; a single scalar counts as a list of one (mail.to: ops@example.org). */
    <T> Optional<List<T>> list(String path, JsonNode v, Conversion<T> each) {
        if (!v.isArray()) {
            if (v.isObject()) {
                return fail(path, "must be a list, got a mapping");
            }
            return each.apply(path, v).map(List::of);
        }
        List<T> values = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < v.size(); i++) {
            String item = path + "[" + i + "]";
            JsonNode element = v.get(i);
            Optional<T> value = element.isNull() ? fail(item, "must not be empty") : each.apply(item, element);
            ok &= value.isPresent();
            value.ifPresent(values::add);
        }
        return ok ? Optional.of(values) : Optional.empty();
    }

    /**
     * A literal, {@code ${env:NAME}} or {@code ${file:PATH}}. Messages name the field and the
     * reference, never the value.
     */
    Optional<Secret> secret(String path, JsonNode v) {
        if (!v.isValueNode()) {
            return fail(path, "must be a string, got " + describe(path, v));
        }
        String text = text(path, v).orElseThrow();
        if (text.isEmpty()) {
            return fail(path, "must not be empty");
        }
        if (!text.startsWith("${")) {
            return Optional.of(Secret.literal(text));
        }
        Matcher ref = REFERENCE.matcher(text);
        if (!ref.matches() || ref.group(2).isBlank()) {
            return fail(path, "must be a literal, ${env:NAME} or ${file:PATH}; cannot use " + quote(text));
        }
        String name = ref.group(2).strip();
        if (ref.group(1).equals("env")) {
            String value = env.get(name);
            if (value == null) {
                return fail(path, "environment variable " + name + " is not set (referenced as " + text + ")");
            }
            if (value.isEmpty()) {
                return fail(path, "environment variable " + name + " is empty (referenced as " + text + ")");
            }
            return Optional.of(Secret.of(value, "env:" + name));
        }
        Path secretFile;
        try {
            secretFile = baseDir.resolve(name).normalize();
        } catch (InvalidPathException e) {
            return fail(path, "is not a valid path (" + e.getReason() + "): " + quote(text));
        }
        String referenced = " (referenced as " + text + ")";
        if (!Files.exists(secretFile)) {
            return fail(path, "file " + secretFile + " does not exist" + referenced);
        }
        // a device or a pipe could give without end or block for ever: only a regular file is read
        if (!Files.isRegularFile(secretFile)) {
            return fail(path, "file " + secretFile + " is not a regular file ("
                    + (Files.isDirectory(secretFile) ? "a folder" : "a device, pipe or socket")
                    + "); a secret file is a regular file of at most " + TextFile.size(TextFile.SECRET_LIMIT) + referenced);
        }
        String value;
        try {
            value = TextFile.read(secretFile, TextFile.SECRET_LIMIT, "a secret file").strip();
        } catch (TextFile.Unreadable e) {
            TextFile.Problem why = e.problem();
            return fail(path, "file " + secretFile + (why.line() > 0 ? " line " + why.line() + ":" : "") + " "
                    + why.message() + referenced);
        }
        if (value.isEmpty()) {
            return fail(path, "file " + secretFile + " is empty" + referenced);
        }
        return Optional.of(Secret.of(value, "file:" + secretFile));
    }

    <T> Optional<T> fail(String path, String message) {
        problems.add(tree.line(path), path, message);
        return Optional.empty();
    }

    /** The value as the user wrote it, for "got ..." in messages. */
    String describe(String path, JsonNode v) {
        if (v.isTextual()) {
            return quote(v.textValue());
        }
        if (v.isValueNode()) {
            String written = tree.scalarText(path);
            return written != null ? written : v.asText();
        }
        if (v.isObject()) {
            return "a mapping";
        }
        if (v.isArray()) {
            return "a list";
        }
        return v.asText();
    }

    static String quote(String s) {
        String shown = s.length() > 60 ? s.substring(0, 57) + "..." : s;
        StringBuilder q = new StringBuilder("\"");
        for (char c : shown.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                default -> q.append(c < ' ' ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return q.append('"').toString();
    }
}
