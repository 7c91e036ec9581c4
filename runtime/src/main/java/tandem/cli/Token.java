package tandem.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.node.ApiTokens;

/**
 * {@code tandem token create USER | list | revoke ID|USER --config FILE}: the node's per-user API tokens
 * ({@link ApiTokens}), kept in its state folder; the running node takes a change in at the next request.
 */
final class Token {
    private Token() {
    }

    record Args(String action, String name, Path config) {
    }

    static Args args(List<String> argv) {
        List<String> rest = new ArrayList<>(argv);
        String config = null;
        List<String> words = new ArrayList<>();
        while (!rest.isEmpty()) {
            String a = rest.remove(0);
            if (a.equals("--config") || a.startsWith("--config=")) {
                if (config != null) {
                    throw new Main.UsageException("--config given twice");
                }
                config = a.contains("=") ? a.substring(a.indexOf('=') + 1) : rest.isEmpty() ? null : rest.remove(0);
                if (config == null || config.isEmpty()) {
                    throw new Main.UsageException("--config needs a value");
                }
            } else if (a.startsWith("-")) {
                throw new Main.UsageException("unknown option \"" + a + "\"");
            } else {
                words.add(a);
            }
        }
        if (words.isEmpty()) {
            throw new Main.UsageException("create USER, list or revoke ID|USER is required");
        }
        String action = words.get(0);
        int wanted = switch (action) {
            case "create", "revoke" -> 2;
            case "list" -> 1;
            default -> throw new Main.UsageException("unknown action \"" + action + "\": create USER, list or revoke ID|USER");
        };
        if (words.size() != wanted) {
            throw new Main.UsageException(wanted == 2 ? action + " takes one name: " + (action.equals("create") ? "USER" : "ID|USER")
                    : "list takes no name");
        }
        if (config == null) {
            throw new Main.UsageException("--config FILE is required");
        }
        return new Args(action, wanted == 2 ? words.get(1) : null, Path.of(config));
    }

    static int run(Args a, PrintStream out, PrintStream err) {
        NodeConfig c = ConfigLoader.load(a.config());
        ApiTokens tokens = new ApiTokens(c.node().stateDir());
        switch (a.action()) {
            case "create" -> {
                String token = tokens.create(a.name());
                out.println(token);
                err.println("token for " + a.name() + " on " + c.node().id() + " (shown this once; kept as its hash in "
                        + tokens.file() + "): send it as Authorization: Bearer <token>");
                return 0;
            }
            case "list" -> {
                var all = tokens.list();
                if (all.isEmpty()) {
                    out.println("no API tokens on " + c.node().id() + " (tandem token create USER --config " + a.config() + ")");
                }
                for (var e : all) {
                    out.println(e.id() + "  " + e.user() + "  created " + e.created());
                }
                return 0;
            }
            default -> {
                var gone = tokens.revoke(a.name());
                if (gone.isEmpty()) {
                    err.println("token revoke: no token with the id or user \"" + a.name() + "\" on " + c.node().id());
                    return 1;
                }
                for (var e : gone) {
                    out.println("revoked " + e.id() + " (" + e.user() + ") on " + c.node().id());
                }
                return 0;
            }
        }
    }
}
