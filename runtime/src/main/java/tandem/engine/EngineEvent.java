package tandem.engine;

/**
 * Something the engine did that an operator should see: the simulation prints these, the run log and
 * the commands log record them. The fields are those of {@code tandem simulate --json} (DESIGN
 * "Simulation"), less time and node, which the caller knows.
 *
 * @param kind   state, data, action, mail or log
 * @param from   previous state or data state (state, data), else null
 * @param to     new state or data state (state, data), else null
 * @param action action name (action), else null
 * @param rule   the rule behind it, or null for the engine's own bookkeeping
 * @param reason sentence
 */
public record EngineEvent(String kind, String from, String to, String action, String rule, String reason) {

    public static EngineEvent state(String from, String to, String rule, String reason) {
        return new EngineEvent("state", from, to, null, rule, reason);
    }

    public static EngineEvent data(String from, String to, String rule, String reason) {
        return new EngineEvent("data", from, to, null, rule, reason);
    }

    public static EngineEvent action(String action, String rule, String reason) {
        return new EngineEvent("action", null, null, action, rule, reason);
    }

    public static EngineEvent log(String rule, String reason) {
        return new EngineEvent("log", null, null, null, rule, reason);
    }
}
