package tandem.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tandem.TandemException;
import tandem.sim.Assembler;
import tandem.sim.Scenario;
import tandem.sim.ScenarioParser;
import tandem.sim.Simulation;

/**
 * {@code tandem simulate [--json] FILE... | --scenario FILE}: events on stdout, expectations and the
 * verdict of each scenario on stderr. The scenarios of one run share what was compiled and read for
 * their nodes (rules and route catalogues, by folder), so a profile's scenarios compile it once.
 */
final class Simulate {
    private Simulate() {
    }

    /** What the command line asked for: the scenario files in the order given, and the output format. */
    record Args(List<Path> scenarios, boolean json) {
    }

    /**
     * Reads the arguments after the verb: {@code --json}, scenario files, each as {@code --scenario FILE},
     * {@code --scenario=FILE} or bare.
     *
     * @throws Main.UsageException when an option is unknown, a value is missing or no scenario is named
     */
    static Args args(List<String> args) {
        List<Path> files = new ArrayList<>();
        boolean json = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--json")) {
                if (json) {
                    throw new Main.UsageException("--json given twice");
                }
                json = true;
            } else if (a.equals("--scenario") || a.startsWith("--scenario=")) {
                String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : i + 1 < args.size() ? args.get(++i) : null;
                if (value == null || value.isEmpty()) {
                    throw new Main.UsageException("--scenario needs a value");
                }
                files.add(Path.of(value));
            } else if (a.startsWith("-")) {
                throw new Main.UsageException("unknown option \"" + a + "\"");
            } else {
                files.add(Path.of(a));
            }
        }
        if (files.isEmpty()) {
            throw new Main.UsageException("--scenario FILE is required (or one or more scenario files)");
        }
        return new Args(List.copyOf(files), json);
    }

    /**
     * Runs every scenario in turn. With more than one, each scenario's events are preceded on stdout by
     * a line naming its file ({@code # FILE}, or {@code {"scenario":"FILE"}} with {@code --json}), and a
     * last line on stderr counts the scenarios that passed. A scenario that cannot run (its file, its
     * nodes' configurations or rules are wrong) has its problems printed and counts as failed.
     *
     * @return 0 when every scenario passed, else 1
     */
    static int run(Path home, Args args, PrintStream out, PrintStream err) {
        Assembler assembler = new Assembler(home);
        boolean several = args.scenarios().size() > 1;
        int passed = 0;
        for (Path file : args.scenarios()) {
            if (several) {
                out.println(args.json() ? "{\"scenario\":" + jsonString(file.toString()) + "}" : "# " + file);
            }
            if (runOne(assembler, file, args.json(), out, err)) {
                passed++;
            }
        }
        if (several) {
            err.println(passed + " of " + args.scenarios().size() + " scenarios passed");
        }
        return passed == args.scenarios().size() ? 0 : 1;
    }

    private static boolean runOne(Assembler assembler, Path scenarioFile, boolean json, PrintStream out, PrintStream err) {
        Simulation sim;
        try {
            Scenario scenario = ScenarioParser.load(scenarioFile);
            sim = Simulation.prepare(scenario, assembler);
        } catch (TandemException e) {
            out.flush();
            err.println(e.getMessage());
            err.println(scenarioFile + ": FAILED, cannot run");
            return false;
        }
        Simulation.Result r = sim.run(e -> out.println(json ? e.json() : e.text()));
        out.flush();
        for (Simulation.ExpectResult x : r.expectations()) {
            err.println(x.text());
        }
        if (r.fatal() != null) {
            err.println("simulation stopped: " + r.fatal());
        }
        long met = r.expectations().stream().filter(Simulation.ExpectResult::met).count();
        err.println(scenarioFile + ": " + (r.passed() ? "passed" : "FAILED") + ", " + met + " of "
                + r.expectations().size() + " expectations met");
        return r.passed();
    }

    private static String jsonString(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
