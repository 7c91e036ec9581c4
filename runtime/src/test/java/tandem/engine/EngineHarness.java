package tandem.engine;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * What the rule tests on one engine share: the events and action requests the engine hands out, the
 * engine under test (closed after each test), and the DRL header a test rule starts with.
 */
abstract class EngineHarness {

    /** The package and imports a test's own DRL text starts with. */
    static final String HEADER = "package tandem.rules;\nimport tandem.facts.*;\n";

    protected final List<EngineEvent> events = new ArrayList<>();
    protected final List<ActionPort.ActionRequest> actions = new ArrayList<>();
    protected Engine engine;

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    /** The actions asked for so far, by name, in order. */
    protected List<String> actions() {
        return actions.stream().map(ActionPort.ActionRequest::action).toList();
    }

    /** How often {@code action} was asked for so far. */
    protected long asked(String action) {
        return actions.stream().filter(a -> a.action().equals(action)).count();
    }
}
