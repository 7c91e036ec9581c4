package tandem.routes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * What a node can do, read from its route files: every action a decision may name is the route
 * {@code action-<name>} (input {@code direct:action-<name>}), every operator command the route
 * {@code command-<name>} (input {@code direct:command-<name>}). The rules, the check, the running node
 * and the simulation all take the names from here, so an action or command exists exactly when a
 * route carries it.
 *
 * <p>An action route says on which lane it runs with its route {@code group} (actions on one lane run
 * one after the other; see {@code routes/common/actions.camel.yaml}); without a group it runs on
 * {@link #DEFAULT_LANE}. Its {@code bean} steps, in order, are what the simulation models.
 *
 * <p>Read with the YAML parser alone (no Camel context): fast enough for every simulation run. A file
 * the parser cannot read is skipped here; {@link RouteSet#validate} reports it with its line.
 */
public record Catalogue(Map<String, Action> actions, Map<String, Command> commands, Map<String, Lane> laneRoutes) {

    /** The lane of an action route that names no group. */
    public static final String DEFAULT_LANE = "actions";
    public static final String ACTION_PREFIX = "action-";
    public static final String COMMAND_PREFIX = "command-";
    public static final String LANE_PREFIX = "lane-";

    public Catalogue {
        actions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(actions));
        commands = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(commands));
        laneRoutes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(laneRoutes));
    }

    /** A catalogue without lane routes (tests, and callers that only ask for actions and commands). */
    public Catalogue(Map<String, Action> actions, Map<String, Command> commands) {
        this(actions, commands, Map.of());
    }

    /** The endpoint a lane's route consumes, where the node sends the requests of that lane's actions. */
    public static String laneEndpoint(String lane) {
        return "seda:tandem-" + LANE_PREFIX + lane;
    }

    /** The endpoint of an action's route. */
    public static String actionEndpoint(String action) {
        return "direct:" + ACTION_PREFIX + action;
    }

    /** The endpoint of a command's route. */
    public static String commandEndpoint(String command) {
        return "direct:" + COMMAND_PREFIX + command;
    }

    /**
     * One bean step of a route: {@code bean: {ref: R, method: "M(ARGS)"}}.
     *
     * @param ref    the bean's name
     * @param method the method's name, without its parameters
     * @param args   what the parentheses hold, as written (e.g. {@code ${body}, 'swap'}), or "" when there are none
     */
    public record BeanCall(String ref, String method, String args) {
        /** The literal arguments (quoted in single or double quotes) among {@link #args}, in order. */
        public List<String> literals() {
            List<String> out = new ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("'([^']*)'|\"([^\"]*)\"").matcher(args);
            while (m.find()) {
                out.add(m.group(1) != null ? m.group(1) : m.group(2));
            }
            return out;
        }

        @Override
        public String toString() {
            return ref + "." + method;
        }
    }

    /**
     * @param name  the action's name, as rules write it in {@code act(...)}
     * @param lane  the lane it runs on (the route's group)
     * @param file  the route file
     * @param line  1-based line of the route, 0 if unknown
     * @param calls the bean steps of the route, in order (nested steps included)
     */
    public record Action(String name, String lane, Path file, int line, List<BeanCall> calls) {
        public Action {
            calls = List.copyOf(calls);
        }
    }

    /**
     * An operator command: the route {@code command-<name>}, where it is written and its bean steps.
     *
     * @param calls the bean steps of the route, in order (nested steps included)
     */
    public record Command(String name, Path file, int line, List<BeanCall> calls) {
        public Command {
            calls = List.copyOf(calls);
        }

        public Command(String name, Path file, int line) {
            this(name, file, line, List.of());
        }

        /**
         * Whether the route's answer comes from a bean of its own (e.g. reload) rather than from the rules:
         * it calls beans, none of them {@link Catalogue#RULES_BEAN}, which submits a command to the engine
         * as an OperatorCommand.
         */
        public boolean answeredByOwnBean() {
            return !calls.isEmpty() && calls.stream().noneMatch(c -> c.ref().equals(RULES_BEAN));
        }
    }

    /** The bean a command route hands its command to for the rules' answer. */
    public static final String RULES_BEAN = "commands";

    /**
     * A lane: the route {@code lane-<name>} that takes the requests of the actions in group
     * {@code name}, one after the other, from {@link #laneEndpoint}.
     *
     * @param uri the route's input, as written (with its options)
     */
    public record Lane(String name, String uri, Path file, int line) {
        /** Whether the route consumes {@link #laneEndpoint}{@code (name)} (options aside). */
        public boolean consumesItsEndpoint() {
            String base = uri == null ? "" : uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
            return base.replaceFirst("^seda://", "seda:").equals(laneEndpoint(name));
        }
    }

    public Optional<Action> action(String name) {
        return Optional.ofNullable(actions.get(name));
    }

    public boolean hasCommand(String name) {
        return commands.containsKey(name);
    }

    /** The lanes the actions run on, sorted. */
    public List<String> lanes() {
        return actions.values().stream().map(Action::lane).distinct().sorted().toList();
    }

    /** Reads the catalogue of the route files in {@code folders} (the node's route folders, in load order). */
    public static Catalogue read(List<Path> folders) {
        Map<String, Action> actions = new LinkedHashMap<>();
        Map<String, Command> commands = new LinkedHashMap<>();
        Map<String, Lane> lanes = new LinkedHashMap<>();
        for (RouteFile f : RouteFile.readAll(folders, new Problems())) {
            Iterable<Node> documents;
            try {
                Compose compose = new Compose(LoadSettings.builder().setLabel(f.path().toString()).build());
                List<Node> all = new ArrayList<>();
                compose.composeAllFromString(f.text()).forEach(all::add);
                documents = all;
            } catch (RuntimeException e) {
                continue;   // RouteSet.validate reports the file with its line
            }
            for (Node doc : documents) {
                if (!(doc instanceof SequenceNode list)) {
                    continue;
                }
                for (Node item : list.getValue()) {
                    Node route = get(item, "route");
                    if (route == null) {
                        continue;
                    }
                    String id = scalar(get(route, "id"));
                    if (id == null) {
                        continue;
                    }
                    int line = item.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(0);
                    if (id.startsWith(ACTION_PREFIX) && id.length() > ACTION_PREFIX.length()) {
                        String name = id.substring(ACTION_PREFIX.length());
                        String group = scalar(get(route, "group"));
                        List<BeanCall> calls = new ArrayList<>();
                        beanCalls(get(route, "from"), calls);
                        actions.put(name, new Action(name, group == null || group.isBlank() ? DEFAULT_LANE : group,
                                f.path(), line, calls));
                    } else if (id.startsWith(COMMAND_PREFIX) && id.length() > COMMAND_PREFIX.length()) {
                        String name = id.substring(COMMAND_PREFIX.length());
                        List<BeanCall> calls = new ArrayList<>();
                        beanCalls(get(route, "from"), calls);
                        commands.put(name, new Command(name, f.path(), line, calls));
                    } else if (id.startsWith(LANE_PREFIX) && id.length() > LANE_PREFIX.length()) {
                        String name = id.substring(LANE_PREFIX.length());
                        lanes.put(name, new Lane(name, scalar(get(get(route, "from"), "uri")), f.path(), line));
                    }
                }
            }
        }
        return new Catalogue(actions, commands, lanes);
    }

    /** Collects every {@code bean: {ref, method}} under {@code node}, depth first, in document order. */
    private static void beanCalls(Node node, List<BeanCall> out) {
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                String key = scalar(t.getKeyNode());
                if ("bean".equals(key)) {
                    String ref = scalar(get(t.getValueNode(), "ref"));
                    String method = scalar(get(t.getValueNode(), "method"));
                    if (ref != null) {
                        String written = method == null ? "" : method.strip();
                        int open = written.indexOf('(');
                        int close = written.lastIndexOf(')');
                        out.add(new BeanCall(ref, open < 0 ? written : written.substring(0, open).strip(),
                                open < 0 || close < open ? "" : written.substring(open + 1, close).strip()));
                    }
                } else {
                    beanCalls(t.getValueNode(), out);
                }
            }
        } else if (node instanceof SequenceNode s) {
            for (Node n : s.getValue()) {
                beanCalls(n, out);
            }
        }
    }

    private static Node get(Node node, String key) {
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (key.equals(scalar(t.getKeyNode()))) {
                    return t.getValueNode();
                }
            }
        }
        return null;
    }

    private static String scalar(Node node) {
        return node instanceof ScalarNode s ? s.getValue() : null;
    }
}
