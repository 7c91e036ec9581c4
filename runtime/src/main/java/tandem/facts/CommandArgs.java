package tandem.facts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The arguments an operator command carries ({@code --file F --confirm}): an ordered map of name to
 * value, a bare flag having the value {@code "true"}. Every way in (the CLI, the HTTP API, JMX, the peer
 * link, a scenario) checks them here, so a rule sees only arguments of this shape: names of lower-case
 * letters, digits and '-' (starting with a letter or digit, at most {@value #MAX_NAME} characters),
 * values of at most {@value #MAX_VALUE} characters, at most {@value #MAX_ARGS} arguments.
 */
public final class CommandArgs {
    public static final int MAX_ARGS = 16;
    public static final int MAX_NAME = 32;
    public static final int MAX_VALUE = 4096;
    /** A bare flag's value ({@code --confirm}). */
    public static final String FLAG = "true";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    private CommandArgs() {
    }

    /** Every problem with {@code args}, each naming its argument; empty when they are fine. Null is no arguments. */
    public static List<String> problems(Map<String, String> args) {
        List<String> out = new ArrayList<>();
        if (args == null) {
            return out;
        }
        if (args.size() > MAX_ARGS) {
            out.add("too many arguments: " + args.size() + ", at most " + MAX_ARGS);
        }
        for (Map.Entry<String, String> e : args.entrySet()) {
            String name = e.getKey();
            if (name == null || name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
                out.add("argument \"" + name + "\": a name is lower-case letters, digits and '-', starting with a"
                        + " letter or digit, at most " + MAX_NAME + " characters");
            } else if (e.getValue() == null) {
                out.add("argument \"" + name + "\": has no value");
            } else if (e.getValue().length() > MAX_VALUE) {
                out.add("argument \"" + name + "\": the value has " + e.getValue().length() + " characters, at most "
                        + MAX_VALUE);
            }
        }
        return out;
    }

    /**
     * {@code args} as an unmodifiable map in their order (empty for null).
     *
     * @throws IllegalArgumentException listing every problem ({@link #problems})
     */
    public static Map<String, String> checked(Map<String, String> args) {
        List<String> p = problems(args);
        if (!p.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", p));
        }
        return args == null || args.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(args));
    }

    /**
     * The arguments as log lines and events show them, e.g. {@code file=/var/backup/a.tar, confirm}: a flag
     * by its name, the value of a name containing "password" or "secret" as {@code ***}; empty for none.
     */
    public static String describe(Map<String, String> args) {
        if (args == null || args.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        args.forEach((name, value) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.contains("password") || n.contains("secret")) {
                parts.add(name + "=***");
            } else if (FLAG.equals(value)) {
                parts.add(name);
            } else {
                parts.add(name + "=" + value);
            }
        });
        return String.join(", ", parts);
    }
}
