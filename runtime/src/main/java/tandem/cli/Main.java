package tandem.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tandem.TandemException;

/**
 * {@code bin/tandem}: the command line. Each verb returns its exit status: 0 done, 1 a problem the
 * user can fix (every problem printed, each with its place), 2 wrong usage.
 */
public final class Main {

    static final String USAGE = """
            usage: tandem <verb> [options]

              run      --config FILE                  run one node in the foreground
              status   --config FILE [--json]         the running node, its peer, resources, last events (the
                                                      peer's own view when the local node does not answer)
              command  NAME [--ARG VALUE|--FLAG]... [--wait [SECONDS]] --config FILE
                                                      an operator command to the running node, with its
                                                      arguments (--ARG=VALUE also); --wait waits for the
                                                      actions it started (exit 0 only when they succeeded;
                                                      600 s unless SECONDS); NAME is one of its command
                                                      routes (check lists a node's):
                                                        every profile: start, stop, swap, force-start,
                                                          boot-start-on, boot-start-off, sync, test-mail, reload
                                                        redundancy also: switchover, standby-import, rollback,
                                                          trust-standby-key
              token    create USER|list|revoke ID|USER --config FILE
                                                      the node's API tokens for scripts and monitoring (the
                                                      token is printed once; the node keeps its hash)
              set-password --config FILE [--user NAME]
                                                      hash a new console password (asked twice on a terminal,
                                                      else the first line of standard input) into the
                                                      config's console.password-hash; copy that line to the
                                                      peer's config: both need the same hash
              check    --config FILE                  validate a node's config, rules and routes; start nothing
              import   --config FILE --file BACKUP    on a redundancy standby: verify a backup of its active
                                                      and import it (the active runs this over SSH)
              simulate [--json] FILE...               run two-node scenarios on a virtual clock
                                                      (also --scenario FILE)
              demo     [PROFILE] [--keep] [--keep-files]
                                                      two live nodes on this machine and a scripted failover
                                                      (ms-failover), takeover (sbs) or switchover (redundancy);
                                                      --keep leaves them running, --keep-files keeps the
                                                      demo's folder (removed at the end otherwise)
              version                                 the version of this Tandem (also --version)
              help                                    this text
            """;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one verb; the streams are parameters so that tests can read what a user would see. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.console(), System.in, out, err);
    }

    /** {@link #run(String[], PrintStream, PrintStream)} without a terminal: what a verb reads comes from {@code in}. */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return run(args, null, in, out, err);
    }

    private static int run(String[] args, java.io.Console terminal, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String verb = args[0];
        if (verb.equals("version") || verb.equals("--version")) {
            if (args.length > 1) {
                err.println("tandem " + verb + ": takes no arguments, got \"" + args[1] + "\"");
                err.print(USAGE);
                return 2;
            }
            try {
                out.println("tandem " + Version.current());
                return 0;
            } catch (TandemException e) {
                err.println(e.getMessage());
                return 1;
            }
        }
        Map<String, String> opts = Map.of();
        Simulate.Args scenarios = null;
        Command.Args command = null;
        Token.Args token = null;
        SetPassword.Args setPassword = null;
        try {
            if (verb.equals("set-password")) {
                setPassword = SetPassword.args(List.of(args).subList(1, args.length));
            } else if (verb.equals("token")) {
                token = Token.args(List.of(args).subList(1, args.length));
            } else if (verb.equals("simulate")) {
                scenarios = Simulate.args(List.of(args).subList(1, args.length));
            } else if (verb.equals("command")) {
                command = Command.args(List.of(args).subList(1, args.length));
            } else {
                opts = options(verb, List.of(args).subList(1, args.length));
            }
        } catch (UsageException e) {
            err.println("tandem " + verb + ": " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        try {
            return switch (verb) {
                case "check" -> Check.run(home(), Path.of(opts.get("--config")), out, err);
                case "run" -> Run.run(home(), Path.of(opts.get("--config")), err);
                case "import" -> Import.run(Path.of(opts.get("--config")), Path.of(opts.get("--file")), out, err);
                case "status" -> Status.run(Path.of(opts.get("--config")), opts.containsKey("--json"), out, err);
                case "command" -> Command.run(command, out, err);
                case "token" -> Token.run(token, out, err);
                case "set-password" -> SetPassword.run(setPassword, terminal, in, out, err);
                case "demo" -> tandem.demo.Demo.run(home(), opts.getOrDefault("PROFILE", "ms-failover"),
                        opts.containsKey("--keep"), opts.containsKey("--keep-files"), out, err);
                case "simulate" -> Simulate.run(home(), scenarios, out, err);
                default -> throw new IllegalStateException(verb);
            };
        } catch (TandemException e) {
            err.println(e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("tandem " + verb + ": " + e);
            return 1;
        }
    }

    /** The installation directory holding profiles/, rules/, routes/ and conf/: {@code -Dtandem.home}, else the working directory. */
    static Path home() {
        return Path.of(System.getProperty("tandem.home", ".")).toAbsolutePath().normalize();
    }

    private static Map<String, String> options(String verb, List<String> args) {
        Map<String, List<String>> spec = Map.of(
                "check", List.of("--config="),
                "run", List.of("--config="),
                "status", List.of("--config=", "--json"),
                "import", List.of("--config=", "--file="),
                "demo", List.of("PROFILE", "--keep", "--keep-files"));
        List<String> allowed = spec.get(verb);
        if (allowed == null) {
            throw new UsageException("unknown verb \"" + verb + "\"");
        }
        Map<String, String> opts = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String a = rest.remove(0);
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (opts.containsKey(name)) {
                throw new UsageException(name + " given twice");
            }
            if (allowed.contains(name)) {
                if (a.contains("=")) {
                    throw new UsageException(name + " takes no value");
                }
                opts.put(name, "");
            } else if (allowed.contains(name + "=")) {
                String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : (rest.isEmpty() ? null : rest.remove(0));
                if (value == null || value.isEmpty()) {
                    throw new UsageException(name + " needs a value");
                }
                opts.put(name, value);
            } else if (!a.startsWith("-") && positional(allowed) != null && !opts.containsKey(positional(allowed))) {
                opts.put(positional(allowed), a);
            } else {
                throw new UsageException("unknown option \"" + a + "\"");
            }
        }
        for (String o : allowed) {
            if (o.endsWith("=") && !opts.containsKey(o.substring(0, o.length() - 1))) {
                throw new UsageException(o.substring(0, o.length() - 1) + " FILE is required");
            }
        }
        return opts;
    }

    /** The name of a verb's positional argument (PROFILE of demo), or null. */
    private static String positional(List<String> allowed) {
        return allowed.stream().filter(o -> !o.startsWith("-")).findFirst().orElse(null);
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    static void printAll(PrintStream err, List<String> problems) {
        problems.forEach(err::println);
    }
}
