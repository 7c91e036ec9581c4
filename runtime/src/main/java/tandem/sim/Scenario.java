package tandem.sim;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import tandem.facts.Activity;
import tandem.facts.DataState;
import tandem.facts.NodeState;

/**
 * A simulation scenario (DESIGN "Simulation"): two node configurations, timed steps, an end time and
 * optional expectations. Times are milliseconds from the start.
 *
 * @param file        the scenario file
 * @param description what the scenario shows, free text
 * @param nodes       scenario name of each node -> its configuration file, in file order
 * @param nodesLine   the line of the {@code nodes} key, for errors about the pair
 * @param durations   virtual time an action takes, by action name, as the scenario gives it; an action it
 *                    does not name takes what the bean steps of its route take ({@link SimulatedMachine})
 * @param durationLines the line of each key of {@code durations}, for errors about an action no route carries
 * @param defaultDuration virtual time of an action that {@code durations} does not name and whose route calls
 *                    nothing the simulated machine models (a site action, e.g. a mail sent with {@code to: smtp:})
 * @param steps       in time order (steps at the same time keep file order)
 * @param until       the simulation ends after this time
 * @param expects     checked after every event at their time
 */
public record Scenario(Path file, String description, Map<String, Path> nodes, int nodesLine, Map<String, Long> durations,
                       Map<String, Integer> durationLines, long defaultDuration, List<Step> steps, long until,
                       List<Expect> expects) {

    public Scenario {
        durations = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(durations));
        durationLines = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(durationLines));
    }

    /**
     * One step. {@code nodes} holds the step's node names (two for partition and heal, which may name
     * {@code witness}); {@code name} is the command; {@code resource} the failing resource; {@code path}
     * and {@code bytes} describe a write; {@code forMs} is how long a freeze lasts; {@code args} are the
     * command's arguments (name -> value in file order, empty for none and for other kinds). A fail step
     * names a resource, or an action ({@code action}) whose next {@code times} runs on the node fail.
     */
    public record Step(long at, String kind, List<String> nodes, String name, String resource, String path,
                       long bytes, int line, long forMs, Map<String, String> args, String action, int times) {

        public Step {
            args = args == null || args.isEmpty() ? Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(args));
        }

        public Step(long at, String kind, List<String> nodes, String name, String resource, String path, long bytes,
                    int line, long forMs, Map<String, String> args) {
            this(at, kind, nodes, name, resource, path, bytes, line, forMs, args, null, 0);
        }

        public Step(long at, String kind, List<String> nodes, String name, String resource, String path, long bytes,
                    int line, long forMs) {
            this(at, kind, nodes, name, resource, path, bytes, line, forMs, Map.of());
        }

        public Step(long at, String kind, List<String> nodes, String name, String resource, String path, long bytes,
                    int line) {
            this(at, kind, nodes, name, resource, path, bytes, line, 0);
        }
    }

    /**
     * What must hold at a time; null fields are not checked.
     *
     * @param command  a command whose last answer up to then is checked, or null
     * @param accepted with {@code command}: whether that answer accepted it
     * @param reason   with {@code command}: a text the answer's reason contains, or null
     */
    public record Expect(long at, String node, NodeState state, DataState data, Activity services, List<String> did,
                         String command, boolean accepted, String reason, int line) {
        public Expect {
            did = List.copyOf(did);
        }

        public Expect(long at, String node, NodeState state, DataState data, Activity services, List<String> did,
                      int line) {
            this(at, node, state, data, services, did, null, false, null, line);
        }

        public Expect(long at, String node, NodeState state, DataState data, Activity services, int line) {
            this(at, node, state, data, services, List.of(), line);
        }

        public String describe() {
            StringBuilder sb = new StringBuilder(node);
            if (state != null) {
                sb.append(" state ").append(state);
            }
            if (data != null) {
                sb.append(" data ").append(data.label());
            }
            if (services != null) {
                sb.append(" services ").append(services.name().toLowerCase(java.util.Locale.ROOT));
            }
            if (!did.isEmpty()) {
                sb.append(" did ").append(String.join(", ", did));
            }
            if (command != null) {
                sb.append(accepted ? " accepted " : " refused ").append(command);
                if (reason != null) {
                    sb.append(" because \"...").append(reason).append("...\"");
                }
            }
            return sb.toString();
        }
    }
}
