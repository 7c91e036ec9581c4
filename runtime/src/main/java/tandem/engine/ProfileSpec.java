package tandem.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import tandem.config.Suggest;
import tandem.facts.NodeState;

/**
 * A profile as data: its descriptor {@code profiles/<profile>.yaml} in the installation folder says
 * which rule and route folders its nodes load, in which order, where the profile's scenarios are,
 * the state a node boots into and every state change the profile allows (GEN-1). A profile without
 * a descriptor cannot be checked, run or simulated. The format is described in
 * {@code profiles/README.md}:
 *
 * <pre>
 * rules: [common, pair, ms-failover]        # folders under rules/, compiled in this order
 * routes: [common, ms-failover]             # folders under routes/, loaded in this order
 * scenarios: samples/ms-failover/scenarios  # relative to the installation folder
 * initial: WAIT
 * transitions:
 *   - from: WAIT
 *     to: ALONE
 *     why: peer silent or stopped and data uptodate, or won the election
 * </pre>
 *
 * @param name         the profile, as {@code node.profile} spells it
 * @param file         the descriptor
 * @param ruleFolders  the profile's rule folders, absolute; the site's come after them
 * @param routeFolders the profile's route folders, absolute; the site's come after them
 * @param scenarios    the folder of the profile's scenarios, absolute: what a reload runs before it swaps
 * @param transitions  the state a node boots into and the allowed state changes
 */
public record ProfileSpec(String name, Path file, List<Path> ruleFolders, List<Path> routeFolders, Path scenarios,
                          Transitions transitions) {

    /** The folder of the descriptors, in the installation folder. */
    public static final String FOLDER = "profiles";

    private static final List<String> KEYS = List.of("rules", "routes", "scenarios", "initial", "transitions");
    private static final List<String> TRANSITION_KEYS = List.of("from", "to", "why");
    /** A shipped descriptor is a page; anything much larger is not one. */
    private static final int MAX_BYTES = 256 * 1024;

    public ProfileSpec {
        ruleFolders = List.copyOf(ruleFolders);
        routeFolders = List.copyOf(routeFolders);
    }

    /** The descriptor of {@code profile} in the installation folder {@code home}. */
    public static Path fileOf(Path home, String profile) {
        return home.resolve(FOLDER).resolve(profile + ".yaml");
    }

    /** The profiles that have a descriptor in {@code home}, sorted. */
    public static List<String> names(Path home) {
        Path dir = home.resolve(FOLDER);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - ".yaml".length())).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Reads and checks the descriptor of {@code profile}.
     *
     * @throws ProfileException listing every problem as {@code FILE:LINE: field: message}: no
     *                          descriptor, YAML syntax, unknown or missing fields, a folder that does not
     *                          exist, an unknown state, a transition listed twice or from a state to itself,
     *                          a state the initial one never leads to
     */
    public static ProfileSpec load(Path home, String profile) {
        Path file = fileOf(home, profile);
        if (!Files.isRegularFile(file)) {
            List<String> known = names(home);
            throw new ProfileException(List.of(file + ": profile " + profile + " has no descriptor"
                    + (known.isEmpty() ? "" : "; the profiles with one: " + String.join(", ", known))));
        }
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ProfileException(List.of(file + ": larger than " + MAX_BYTES / 1024 + " KB; not a profile descriptor"));
            }
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ProfileException(List.of(file + ": cannot read: " + e.getMessage()));
        }
        return parse(home, profile, file, text);
    }

    /** Checks {@code text} as the descriptor {@code file} of {@code profile}; folders resolve against {@code home}. */
    static ProfileSpec parse(Path home, String profile, Path file, String text) {
        return new Reader(home, file).read(profile, text);
    }

    /** One pass over a descriptor, gathering every problem before it throws. */
    private static final class Reader {
        private final Path home;
        private final Path file;
        /** Every problem found, with its line, so that they are reported in file order. */
        private final List<Map.Entry<Integer, String>> problems = new ArrayList<>();

        Reader(Path home, Path file) {
            this.home = home;
            this.file = file;
        }

        ProfileSpec read(String profile, String text) {
            Node root;
            try {
                root = new Compose(LoadSettings.builder().setLabel(file.toString()).build()).composeString(text).orElse(null);
            } catch (MarkedYamlEngineException e) {
                int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
                String problem = e.getProblem() != null ? e.getProblem() : String.valueOf(e.getContext());
                throw new ProfileException(List.of(at(line, "") + "YAML syntax error: " + problem.strip()));
            } catch (YamlEngineException e) {
                throw new ProfileException(List.of(file + ": YAML syntax error: " + e.getMessage()));
            }
            if (!(root instanceof MappingNode map)) {
                throw new ProfileException(List.of(at(root == null ? 0 : line(root), "")
                        + "must be a mapping with the keys " + String.join(", ", KEYS)));
            }
            Map<String, NodeTuple> fields = fields(map, "", KEYS);
            List<Path> rules = folders(fields, "rules", home.resolve("rules"), map);
            List<Path> routes = folders(fields, "routes", home.resolve("routes"), map);
            Path scenarios = scenarios(fields.get("scenarios"), map);
            NodeState initial = fields.containsKey("initial") ? state(fields.get("initial").getValueNode(), "initial")
                    : missing(map, "initial");
            List<Transition> table = transitions(fields.get("transitions"), map, initial);
            if (!problems.isEmpty()) {
                throw new ProfileException(problems.stream().sorted(Map.Entry.comparingByKey())
                        .map(Map.Entry::getValue).toList());
            }
            return new ProfileSpec(profile, file, rules, routes, scenarios, new Transitions(initial, table));
        }

        /** The entries of a mapping by key; unknown and repeated keys are reported. */
        private Map<String, NodeTuple> fields(MappingNode map, String prefix, List<String> allowed) {
            Map<String, NodeTuple> fields = new LinkedHashMap<>();
            for (NodeTuple t : map.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
                int line = line(t.getKeyNode());
                if (key == null) {
                    add(line, prefix, "keys must be plain names, one of " + String.join(", ", allowed));
                } else if (!allowed.contains(key)) {
                    add(line, prefix + key, "unknown field" + Suggest.closest(key, allowed)
                            .map(k -> "; did you mean \"" + k + "\"?").orElse("; the fields: " + String.join(", ", allowed)));
                } else if (fields.containsKey(key)) {
                    add(line, prefix + key, "given twice; line " + line(fields.get(key).getKeyNode())
                            + " already has it");
                } else {
                    fields.put(key, t);
                }
            }
            return fields;
        }

        /** A list of folder names under {@code base}, each of which must exist. */
        private List<Path> folders(Map<String, NodeTuple> fields, String key, Path base, MappingNode map) {
            NodeTuple t = fields.get(key);
            if (t == null) {
                return missing(map, key);
            }
            if (!(t.getValueNode() instanceof SequenceNode list) || list.getValue().isEmpty()) {
                add(line(t.getValueNode()), key, "must be a list of folder names under " + base.getFileName()
                        + "/, e.g. [common, pair]");
                return List.of();
            }
            List<Path> dirs = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < list.getValue().size(); i++) {
                Node item = list.getValue().get(i);
                String path = key + "[" + i + "]";
                String name = item instanceof ScalarNode s ? s.getValue().strip() : "";
                if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                    add(line(item), path, "must be the name of a folder under " + base.getFileName() + "/, got "
                            + (item instanceof ScalarNode ? "\"" + name + "\"" : "a " + item.getNodeType().name().toLowerCase()));
                } else if (!seen.add(name)) {
                    add(line(item), path, "\"" + name + "\" is listed twice");
                } else if (!Files.isDirectory(base.resolve(name))) {
                    add(line(item), path, "folder " + base.resolve(name) + " does not exist");
                } else {
                    dirs.add(base.resolve(name));
                }
            }
            return dirs;
        }

        private Path scenarios(NodeTuple t, MappingNode map) {
            if (t == null) {
                return missing(map, "scenarios");
            }
            String text = t.getValueNode() instanceof ScalarNode s ? s.getValue().strip() : "";
            if (text.isEmpty()) {
                add(line(t.getValueNode()), "scenarios", "must be a folder relative to the installation folder,"
                        + " e.g. samples/ms-failover/scenarios");
                return null;
            }
            Path dir = home.resolve(text).normalize();
            if (!Files.isDirectory(dir)) {
                add(line(t.getValueNode()), "scenarios", "folder " + dir + " does not exist");
            }
            return dir;
        }

        private NodeState state(Node value, String path) {
            String name = value instanceof ScalarNode s ? s.getValue().strip() : "";
            try {
                return NodeState.valueOf(name);
            } catch (IllegalArgumentException e) {
                List<String> states = Arrays.stream(NodeState.values()).map(Enum::name).toList();
                add(line(value), path, "unknown state \"" + name + "\""
                        + Suggest.closest(name, states).map(k -> "; did you mean " + k + "?").orElse("")
                        + " (the states: " + String.join(", ", states) + ")");
                return null;
            }
        }

        private List<Transition> transitions(NodeTuple t, MappingNode map, NodeState initial) {
            if (t == null) {
                return missing(map, "transitions");
            }
            if (!(t.getValueNode() instanceof SequenceNode list) || list.getValue().isEmpty()) {
                add(line(t.getValueNode()), "transitions", "must be a list of {from, to, why}");
                return List.of();
            }
            List<Transition> table = new ArrayList<>();
            Map<String, Integer> seen = new HashMap<>();
            Map<NodeState, Integer> firstLine = new LinkedHashMap<>();
            for (int i = 0; i < list.getValue().size(); i++) {
                Node item = list.getValue().get(i);
                String path = "transitions[" + i + "]";
                if (!(item instanceof MappingNode m)) {
                    add(line(item), path, "must be a mapping with the keys from, to, why");
                    continue;
                }
                Map<String, NodeTuple> f = fields(m, path + ".", TRANSITION_KEYS);
                NodeState from = f.containsKey("from") ? state(f.get("from").getValueNode(), path + ".from")
                        : missing(m, path + ".from");
                NodeState to = f.containsKey("to") ? state(f.get("to").getValueNode(), path + ".to")
                        : missing(m, path + ".to");
                String why = f.containsKey("why") && f.get("why").getValueNode() instanceof ScalarNode s
                        ? s.getValue().strip() : "";
                if (f.containsKey("why") && why.isEmpty()) {
                    add(line(f.get("why").getValueNode()), path + ".why", "must say why the change exists");
                } else if (!f.containsKey("why")) {
                    missing(m, path + ".why");
                }
                if (from == null || to == null || why.isEmpty()) {
                    continue;
                }
                if (from == to) {
                    add(line(item), path, from + " -> " + to + " is no change of state");
                    continue;
                }
                Integer first = seen.putIfAbsent(from + " -> " + to, line(item));
                if (first != null) {
                    add(line(item), path, "duplicate transition " + from + " -> " + to + "; line " + first
                            + " already has it");
                    continue;
                }
                firstLine.putIfAbsent(from, line(item));
                firstLine.putIfAbsent(to, line(item));
                table.add(new Transition(from, to, why));
            }
            if (initial != null && problems.isEmpty()) {
                Set<NodeState> reached = reachable(initial, table);
                firstLine.forEach((s, line) -> {
                    if (!reached.contains(s)) {
                        add(line, "transitions", "state " + s + " is never reached from the initial state "
                                + initial);
                    }
                });
            }
            return table;
        }

        private static Set<NodeState> reachable(NodeState initial, List<Transition> table) {
            Set<NodeState> reached = new HashSet<>(Set.of(initial));
            Deque<NodeState> todo = new ArrayDeque<>(List.of(initial));
            while (!todo.isEmpty()) {
                NodeState s = todo.pop();
                for (Transition t : table) {
                    if (t.from() == s && reached.add(t.to())) {
                        todo.push(t.to());
                    }
                }
            }
            return reached;
        }

        private <T> T missing(MappingNode map, String path) {
            add(line(map), path, "missing required field");
            return null;
        }

        private void add(int line, String path, String message) {
            problems.add(Map.entry(line, at(line, path) + message));
        }

        private String at(int line, String path) {
            return file + (line > 0 ? ":" + line : "") + ": " + (path.isEmpty() ? "" : path + ": ");
        }

        private static int line(Node n) {
            return n.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(0);
        }
    }

    /** The scenario files of the profile ({@code *.yaml} in {@link #scenarios()}), sorted by name. */
    public List<Path> scenarioFiles() {
        try (Stream<Path> s = Files.list(scenarios)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new ProfileException(List.of(file + ": scenarios: cannot list " + scenarios + ": " + e.getMessage()));
        }
    }
}
