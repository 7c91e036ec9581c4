package tandem.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import tandem.sim.Scenario;
import tandem.sim.ScenarioParser;
import tandem.sim.Simulation;

/** {@code tandem simulate --scenario FILE [--json]}: events on stdout, expectations on stderr. */
final class Simulate {
    private Simulate() {
    }

    static int run(Path home, Path scenarioFile, boolean json, PrintStream out, PrintStream err) {
        Scenario scenario = ScenarioParser.load(scenarioFile);
        Simulation sim = Simulation.prepare(scenario, home);
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
        return r.passed() ? 0 : 1;
    }
}
