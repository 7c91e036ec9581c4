package tandem.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import tandem.engine.EngineEvent;

/**
 * One line of {@code tandem simulate} output. The format is a contract (DESIGN "Simulation"): tests
 * and tools parse it.
 *
 * @param t    milliseconds from the start
 * @param node the scenario's name of the node, or {@code net} for the virtual network
 */
public record SimEvent(long t, String node, EngineEvent event) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * E.g. {@code   151.000 node2 state SECOND -> ALONE  (rule "Secondary takes over when the primary is silent":
     * no heartbeat from the primary for 30 s, so this node takes over)}: what happened, and the rule
     * and reason of the decision behind it. A log line's body is its reason, so it is not said twice.
     */
    public String text() {
        EngineEvent e = event;
        boolean log = !e.kind().equals("state") && !e.kind().equals("data") && !e.kind().equals("action");
        String body = switch (e.kind()) {
            case "state", "data" -> e.kind() + " " + e.from() + " -> " + e.to();
            case "action" -> "action " + e.action();
            default -> e.kind() + " " + e.reason();
        };
        String why = log || e.reason() == null || e.reason().isBlank() ? "" : ": " + e.reason();
        String decision = e.rule() == null ? why : "  (rule \"" + e.rule() + "\"" + why + ")";
        return String.format(Locale.ROOT, "%9.3f %s %s%s", t / 1000.0, node, body, decision);
    }

    /** One JSON object with the fields t, node, kind, from, to, action, rule, reason. */
    public String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("t", BigDecimal.valueOf(t).movePointLeft(3).setScale(3));
        m.put("node", node);
        m.put("kind", event.kind());
        m.put("from", event.from());
        m.put("to", event.to());
        m.put("action", event.action());
        m.put("rule", event.rule());
        m.put("reason", event.reason());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
