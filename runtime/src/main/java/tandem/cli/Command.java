package tandem.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.facts.CommandArgs;

/**
 * {@code tandem command NAME [--ARG VALUE | --ARG=VALUE | --FLAG]... --config FILE}: an operator command
 * to the running node, with its arguments, which the node sends to its route {@code command-NAME}; the
 * node's rules answer it. The node says which commands it has.
 */
final class Command {
    /** The CLI's own options; no command argument can be called so. */
    static final String CONFIG = "config";
    static final String WAIT = "wait";
    /** How long {@code --wait} waits when it names no time. */
    static final int DEFAULT_WAIT_S = 600;

    private Command() {
    }

    /**
     * What the command line says: the command's name, the node's configuration, and the command's
     * arguments in the order given.
     */
    record Args(String name, Path config, Map<String, String> args, int waitSeconds) {
        Args(String name, Path config, Map<String, String> args) {
            this(name, config, args, -1);
        }

        boolean waits() {
            return waitSeconds >= 0;
        }
    }

    /**
     * Reads {@code NAME [--ARG VALUE | --ARG=VALUE | --FLAG]... --config FILE}. NAME comes before the
     * arguments; {@code --config} may stand anywhere. After {@code --ARG} the next word is its value
     * unless it starts with {@code --}, in which case {@code --ARG} is a flag with the value "true"; a value
     * that itself starts with {@code --} is written {@code --ARG=VALUE}.
     */
    static Args args(List<String> argv) {
        String name = null;
        String config = null;
        int wait = -1;
        Map<String, String> args = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>(argv);
        while (!rest.isEmpty()) {
            String a = rest.remove(0);
            if (!a.startsWith("-")) {
                if (name != null) {
                    throw new Main.UsageException("unexpected \"" + a + "\": one command at a time; an argument's value"
                            + " follows its name (--file " + a + ")");
                }
                name = a;
                continue;
            }
            if (!a.startsWith("--") || a.length() == 2) {
                throw new Main.UsageException("unknown option \"" + a + "\"; a command's arguments are written --NAME VALUE,"
                        + " --NAME=VALUE or --FLAG");
            }
            int eq = a.indexOf('=');
            String arg = eq < 0 ? a.substring(2) : a.substring(2, eq);
            String value = eq < 0 ? null : a.substring(eq + 1);
            if (arg.equals(WAIT)) {
                // --wait, --wait SECONDS or --wait=SECONDS
                if (wait >= 0) {
                    throw new Main.UsageException("--wait given twice");
                }
                if (value == null && !rest.isEmpty() && rest.get(0).matches("\\d+")) {
                    value = rest.remove(0);
                }
                wait = value == null ? DEFAULT_WAIT_S : waitSeconds(value);
                continue;
            }
            if (value == null && !rest.isEmpty() && !rest.get(0).startsWith("--")
                    && (arg.equals(CONFIG) || name != null)) {
                value = rest.remove(0);
            }
            if (arg.equals(CONFIG)) {
                if (config != null) {
                    throw new Main.UsageException("--config given twice");
                }
                if (value == null || value.isEmpty()) {
                    throw new Main.UsageException("--config needs a value");
                }
                config = value;
                continue;
            }
            if (name == null) {
                throw new Main.UsageException("--" + arg + " before NAME: a command's arguments follow its name"
                        + " (tandem command NAME --" + arg + " ...)");
            }
            if (args.containsKey(arg)) {
                throw new Main.UsageException("--" + arg + " given twice");
            }
            args.put(arg, value == null ? CommandArgs.FLAG : value);
        }
        if (name == null) {
            throw new Main.UsageException("NAME is required: a command of the node (tandem check --config FILE lists them)");
        }
        List<String> problems = CommandArgs.problems(args);
        if (!problems.isEmpty()) {
            throw new Main.UsageException(String.join("; ", problems));
        }
        if (config == null) {
            throw new Main.UsageException("--config FILE is required");
        }
        return new Args(name, Path.of(config), args, wait);
    }

    private static int waitSeconds(String v) {
        try {
            int w = Integer.parseInt(v);
            if (w >= 1 && w <= 86_400) {
                return w;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new Main.UsageException("--wait: seconds from 1 to 86400, got \"" + v + "\"");
    }

    static int run(Args a, PrintStream out, PrintStream err) throws Exception {
        String name = a.name();
        NodeConfig c = ConfigLoader.load(a.config());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        if (!a.args().isEmpty()) {
            body.put("args", a.args());
        }
        ApiClient api = new ApiClient(c);
        ApiClient.Reply r = api.post("command", new ObjectMapper().writeValueAsString(body));
        if (r.code() == 200) {
            out.println(name + " accepted by " + c.node().id() + ": " + r.body().path("reason").asText());
            return a.waits() ? await(api, c.node().id(), name, r.body(), a.waitSeconds(), out, err) : 0;
        }
        if (r.code() == 404) {
            err.println("command: " + c.node().id() + ": " + r.body().path("reason").asText());
            return 2;
        }
        if (r.code() == 400) {
            err.println("command: " + c.node().id() + ": " + r.body().path("error").asText(r.body().toString()));
            return 2;
        }
        if (r.code() == 409) {
            err.println(name + " refused by " + c.node().id() + ": " + r.body().path("reason").asText());
            return 1;
        }
        err.println("command: HTTP " + r.code() + ": " + r.body().path("error").asText(r.body().toString()));
        return 1;
    }

    /**
     * {@code --wait}: asks the node what became of the command ({@code GET /api/commands/<ticket>}) until it
     * ended or {@code seconds} passed; prints each action as it ends. 0 when every action succeeded, 1
     * when one failed or the time ran out.
     */
    private static int await(ApiClient api, String node, String name, com.fasterxml.jackson.databind.JsonNode answer,
            int seconds, PrintStream out, PrintStream err) {
        long ticket = answer.path("ticket").asLong(0);
        if (ticket <= 0) {
            // answered outside the engine (a reload): the answer is its outcome
            out.println(name + " done on " + node);
            return 0;
        }
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        java.util.Set<String> said = new java.util.HashSet<>();
        while (true) {
            double leftS = Math.max(0, (end - System.nanoTime()) / 1e9);
            ApiClient.Reply r = api.get("commands/" + ticket + "?wait="
                    + String.format(java.util.Locale.ROOT, "%.1f", Math.min(leftS, tandem.node.ApiBean.MAX_WAIT_S)));
            if (r.code() != 200) {
                err.println(name + ": cannot follow it on " + node + ": HTTP " + r.code() + ": "
                        + r.body().path("error").asText(r.body().toString()));
                return 1;
            }
            var o = r.body();
            int i = 0;
            for (var step : o.path("actions")) {
                String st = step.path("status").asText();
                if (!st.equals("running") && said.add(i + " " + st)) {
                    out.println("  " + step.path("action").asText() + ": " + st
                            + (step.path("detail").asText().isEmpty() ? "" : ": " + step.path("detail").asText()));
                }
                i++;
            }
            String status = o.path("status").asText();
            if (status.equals("done")) {
                out.println(o.path("sentence").asText() + " (on " + node + ")");
                return 0;
            }
            if (status.equals("failed")) {
                err.println(o.path("sentence").asText() + " (on " + node + ")");
                return 1;
            }
            if (System.nanoTime() >= end) {
                err.println(name + " still running on " + node + " after " + seconds + " s: "
                        + o.path("sentence").asText());
                return 1;
            }
        }
    }
}
