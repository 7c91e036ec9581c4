package tandem.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import tandem.config.Durations;
import tandem.config.Suggest;
import tandem.config.TextFile;
import tandem.facts.Activity;
import tandem.facts.CommandArgs;
import tandem.facts.DataState;
import tandem.facts.NodeState;

/**
 * Reads a scenario file. Every problem is collected and reported at once as {@code FILE:LINE: message};
 * paths in the scenario are relative to the scenario file. Which resources, actions and commands a node
 * has is checked later, against its configuration and the routes it loads, by {@link Simulation#prepare}.
 */
public final class ScenarioParser {

    static final Set<String> STEP_KINDS = Set.of("start", "crash", "restart", "command", "fail", "recover",
            "partition", "heal", "write", "freeze");
    private static final List<String> TOP_KEYS = List.of("description", "nodes", "durations", "default-duration", "steps",
            "until", "expect");
    /** How action and command names are written: the part after {@code action-} or {@code command-} of a route id. */
    static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9-]*");
    /** The name partition and heal steps use for the witness address. */
    public static final String WITNESS = "witness";
    /** The name the output uses for events of the virtual network. */
    public static final String NET = "net";
    /** A scenario needs a few levels of YAML; more is a mistake, and the composer's stack is finite. */
    static final int MAX_DEPTH = 64;
    /** The longest virtual time a scenario may run: a month of heartbeats is already millions of cycles. */
    public static final long MAX_UNTIL_MS = Duration.ofDays(30).toMillis();
    private static final java.util.regex.Pattern NODE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    private final String display;
    private final Path baseDir;
    private final List<String> problems = new ArrayList<>();

    private ScenarioParser(String display, Path baseDir) {
        this.display = display;
        this.baseDir = baseDir;
    }

    /**
     * Reads and checks {@code file}: at most {@link TextFile#DOCUMENT_LIMIT} bytes of UTF-8 YAML, nested at
     * most {@link #MAX_DEPTH} levels, running at most {@link #MAX_UNTIL_MS} of virtual time.
     *
     * @throws ScenarioException with every problem found, each as {@code FILE:LINE: message}
     */
    public static Scenario load(Path file) {
        ScenarioParser parser = new ScenarioParser(file.toString(), file.toAbsolutePath().getParent());
        String text;
        try {
            text = TextFile.read(file, TextFile.DOCUMENT_LIMIT, "a scenario");
        } catch (TextFile.Unreadable e) {
            throw new ScenarioException(List.of(parser.at(e.problem().line()) + e.problem().message()));
        }
        return parser.parse(file, text);
    }

    private Scenario parse(Path file, String text) {
        TextFile.Problem refused = TextFile.firstCharacterYamlRefuses(text);
        if (refused != null) {
            // snakeyaml says "special characters are not allowed" without a line
            throw new ScenarioException(List.of(at(refused.line()) + refused.message()));
        }
        Optional<Node> rootOpt;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(display).build();
            checkDepth(settings, text);
            rootOpt = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
            throw new ScenarioException(List.of(at(line) + "not valid YAML: " + e.getProblem()));
        } catch (YamlEngineException e) {
            throw new ScenarioException(List.of(display + ": not valid YAML: " + e.getMessage()));
        }
        if (rootOpt.isEmpty() || !(rootOpt.get() instanceof MappingNode root)) {
            throw new ScenarioException(List.of(display + ":1: a scenario is a mapping with nodes, steps and until"));
        }
        Map<String, NodeTuple> top = fields(root, TOP_KEYS, "");
        String description = top.containsKey("description") ? scalar(top.get("description").getValueNode(), "description") : "";
        Map<String, Path> nodes = nodes(top.get("nodes"), root);
        // which actions exist is the nodes' routes' to say: Simulation.prepare checks the names
        Map<String, Long> durations = new LinkedHashMap<>();
        Map<String, Integer> durationLines = new LinkedHashMap<>();
        if (top.containsKey("durations")) {
            Node dn = top.get("durations").getValueNode();
            if (dn instanceof MappingNode dm) {
                for (NodeTuple t : dm.getValue()) {
                    String key = scalar(t.getKeyNode(), "durations");
                    if (key == null) {
                        continue;
                    }
                    if (!NAME.matcher(key).matches()) {
                        problems.add(at(t.getKeyNode()) + "durations." + key + ": an action name like start-services");
                    } else if (durations.containsKey(key)) {
                        problems.add(at(t.getKeyNode()) + "durations." + key + ": given twice");
                    } else {
                        Long ms = duration(t.getValueNode(), "durations." + key);
                        if (ms != null) {
                            durations.put(key, ms);
                            durationLines.put(key, line(t.getKeyNode()));
                        }
                    }
                }
            } else {
                problems.add(at(dn) + "durations: must be a mapping of action name to duration");
            }
        }
        long defaultDuration = 0;
        if (top.containsKey("default-duration")) {
            Long d = duration(top.get("default-duration").getValueNode(), "default-duration");
            defaultDuration = d == null ? 0 : d;
        }
        List<Scenario.Step> steps = new ArrayList<>();
        if (!top.containsKey("steps")) {
            problems.add(at(root) + "steps: missing; a scenario needs at least one step");
        } else if (top.get("steps").getValueNode() instanceof SequenceNode seq) {
            int i = 0;
            for (Node item : seq.getValue()) {
                Scenario.Step s = step(item, "steps[" + i++ + "]", nodes.keySet());
                if (s != null) {
                    steps.add(s);
                }
            }
        } else {
            problems.add(at(top.get("steps").getValueNode()) + "steps: must be a list");
        }
        List<Scenario.Expect> expects = new ArrayList<>();
        if (top.containsKey("expect")) {
            if (top.get("expect").getValueNode() instanceof SequenceNode seq) {
                int i = 0;
                for (Node item : seq.getValue()) {
                    Scenario.Expect e = expect(item, "expect[" + i++ + "]", nodes.keySet());
                    if (e != null) {
                        expects.add(e);
                    }
                }
            } else {
                problems.add(at(top.get("expect").getValueNode()) + "expect: must be a list");
            }
        }
        long until;
        if (top.containsKey("until")) {
            Node un = top.get("until").getValueNode();
            Long u = duration(un, "until");
            if (u != null && u > MAX_UNTIL_MS) {
                problems.add(at(un) + "until: at most " + Durations.format(Duration.ofMillis(MAX_UNTIL_MS))
                        + " of virtual time, got " + ((ScalarNode) un).getValue());
                u = null;
            }
            until = u == null ? MAX_UNTIL_MS : u;
        } else {
            until = Math.min(MAX_UNTIL_MS, 60_000 + Math.max(steps.stream().mapToLong(Scenario.Step::at).max().orElse(0),
                    expects.stream().mapToLong(Scenario.Expect::at).max().orElse(0)));
        }
        for (Scenario.Step s : steps) {
            if (s.at() > MAX_UNTIL_MS) {
                problems.add(at(s.line()) + "step at " + Simulation.seconds(s.at()) + " s: a scenario runs at most "
                        + Durations.format(Duration.ofMillis(MAX_UNTIL_MS)) + " of virtual time");
            } else if (s.at() > until) {
                problems.add(at(s.line()) + "step at " + Simulation.seconds(s.at()) + " s comes after until ("
                        + Simulation.seconds(until) + " s) and would never run");
            }
        }
        for (Scenario.Expect e : expects) {
            if (e.at() > MAX_UNTIL_MS) {
                problems.add(at(e.line()) + "expectation at " + Simulation.seconds(e.at()) + " s: a scenario runs at"
                        + " most " + Durations.format(Duration.ofMillis(MAX_UNTIL_MS)) + " of virtual time");
            } else if (e.at() > until) {
                problems.add(at(e.line()) + "expectation at " + Simulation.seconds(e.at()) + " s comes after until ("
                        + Simulation.seconds(until) + " s) and would never be checked");
            }
        }
        if (!problems.isEmpty()) {
            throw new ScenarioException(problems);
        }
        steps.sort(Comparator.comparingLong(Scenario.Step::at));
        expects.sort(Comparator.comparingLong(Scenario.Expect::at));
        int nodesLine = top.containsKey("nodes") ? line(top.get("nodes").getKeyNode()) : 0;
        return new Scenario(file, description, nodes, nodesLine, durations, durationLines, defaultDuration, steps, until,
                expects);
    }

    /**
     * The composer recurses once per level and would overflow the stack on a deep enough document; the
     * parser's events do not recurse, so the depth is measured on them first.
     */
    private void checkDepth(LoadSettings settings, String text) {
        int depth = 0;
        for (Event e : new Parse(settings).parseString(text)) {
            if (e instanceof CollectionStartEvent) {
                if (++depth > MAX_DEPTH) {
                    throw new ScenarioException(List.of(at(e.getStartMark().map(m -> m.getLine() + 1).orElse(0))
                            + "YAML nested more than " + MAX_DEPTH + " levels deep; a scenario needs a few levels"));
                }
            } else if (e instanceof CollectionEndEvent) {
                depth--;
            }
        }
    }

    private Map<String, Path> nodes(NodeTuple t, Node root) {
        Map<String, Path> nodes = new LinkedHashMap<>();
        if (t == null) {
            problems.add(at(root) + "nodes: missing; name the two node configurations, e.g. node1: ../node1.yaml");
            return nodes;
        }
        if (!(t.getValueNode() instanceof MappingNode m)) {
            problems.add(at(t.getValueNode()) + "nodes: must be a mapping of name to configuration file");
            return nodes;
        }
        for (NodeTuple n : m.getValue()) {
            String name = scalar(n.getKeyNode(), "nodes");
            String file = scalar(n.getValueNode(), "nodes." + name);
            if (name == null || file == null) {
                continue;
            }
            if (name.equals(WITNESS)) {
                problems.add(at(n.getKeyNode()) + "nodes." + name + ": \"witness\" is reserved for the witness address");
                continue;
            }
            if (name.equals(NET)) {
                problems.add(at(n.getKeyNode()) + "nodes." + name + ": \"net\" is reserved: the output names the virtual network so");
                continue;
            }
            if (!NODE_NAME.matcher(name).matches()) {
                problems.add(at(n.getKeyNode()) + "nodes." + name + ": a node name is one word of letters, digits, _ . -"
                        + " (the output's second column)");
                continue;
            }
            Path p = baseDir.resolve(file).normalize();
            if (!Files.isRegularFile(p)) {
                problems.add(at(n.getValueNode()) + "nodes." + name + ": no such file " + p);
            }
            nodes.put(name, p);
        }
        if (m.getValue().size() != 2) {
            problems.add(at(t.getKeyNode()) + "nodes: a scenario simulates exactly two nodes, got " + m.getValue().size());
        }
        return nodes;
    }

    private Scenario.Step step(Node item, String path, Set<String> nodeNames) {
        if (!(item instanceof MappingNode m)) {
            problems.add(at(item) + path + ": a step is a mapping like {at: 10s, crash: node1}");
            return null;
        }
        List<String> keys = new ArrayList<>(STEP_KINDS.stream().sorted().toList());
        keys.add(0, "at");
        Map<String, NodeTuple> f = fields(m, keys, path + ".");
        int line = line(item);
        Long at = f.containsKey("at") ? duration(f.get("at").getValueNode(), path + ".at") : null;
        if (!f.containsKey("at")) {
            problems.add(at(item) + path + ".at: missing; when does this step happen?");
        }
        List<String> kinds = f.keySet().stream().filter(STEP_KINDS::contains).toList();
        if (kinds.size() != 1) {
            if (kinds.isEmpty() && f.size() == m.getValue().size()) {
                problems.add(at(item) + path + ": no step kind; one of " + String.join(", ", STEP_KINDS.stream().sorted().toList()));
            } else if (kinds.size() > 1) {
                problems.add(at(item) + path + ": one step kind per step, got " + String.join(" and ", kinds));
            }
            return null;
        }
        String kind = kinds.get(0);
        Node v = f.get(kind).getValueNode();
        String p = path + "." + kind;
        switch (kind) {
            case "start", "crash", "restart" -> {
                List<String> ns = names(v, p, nodeNames, false);
                if (v instanceof SequenceNode seq && seq.getValue().isEmpty()) {
                    problems.add(at(v) + p + ": name at least one node");
                }
                return at == null ? null : new Scenario.Step(at, kind, ns, null, null, null, 0, line);
            }
            case "partition", "heal" -> {
                List<String> ns = names(v, p, nodeNames, true);
                if (ns.size() != 2 || ns.get(0).equals(ns.get(1))) {
                    problems.add(at(v) + p + ": name the two ends of the link, e.g. [node1, node2] or [node1, witness]");
                    return null;
                }
                return at == null ? null : new Scenario.Step(at, kind, ns, null, null, null, 0, line);
            }
            case "command" -> {
                Map<String, String> a = args(v, p, List.of("node", "name", "args"), List.of("node", "name"));
                if (a == null || a.get("node") == null) {
                    return null;
                }
                checkNode(a.get("node"), v, p + ".node", nodeNames);
                // which commands exist is the node's routes' to say: Simulation.prepare checks the name
                if (a.get("name") != null && !NAME.matcher(a.get("name")).matches()) {
                    problems.add(at(v) + p + ".name: a command name like swap, got \"" + a.get("name") + "\"");
                }
                Map<String, String> commandArgs = commandArgs((MappingNode) v, p + ".args");
                return at == null ? null : new Scenario.Step(at, kind, List.of(a.get("node")), a.get("name"), null, null, 0,
                        line, 0, commandArgs);
            }
            case "fail" -> {
                Map<String, String> a = args(v, p, List.of("node", "resource", "action", "times"), List.of("node"));
                if (a == null || a.get("node") == null) {
                    return null;
                }
                checkNode(a.get("node"), v, p + ".node", nodeNames);
                if (a.containsKey("resource") == a.containsKey("action")) {
                    problems.add(at(v) + p + ": give a resource that fails, or an action whose next runs fail"
                            + " (action, optional times), not " + (a.containsKey("resource") ? "both" : "neither"));
                    return null;
                }
                if (a.containsKey("resource")) {
                    if (a.containsKey("times")) {
                        problems.add(at(v) + p + ".times: counts the runs of a failing action; a resource fails"
                                + " until a recover step");
                    }
                    return at == null ? null : new Scenario.Step(at, kind, List.of(a.get("node")), null, a.get("resource"),
                            null, 0, line);
                }
                String action = a.get("action");
                // which actions exist is the node's routes' to say: Simulation.prepare checks the name
                if (action != null && !NAME.matcher(action).matches()) {
                    problems.add(at(v) + p + ".action: an action name like transfer-backup, got \"" + action + "\"");
                    return null;
                }
                int times = 1;
                String t = a.get("times");
                if (t != null) {
                    times = t.matches("[1-9][0-9]{0,5}") ? Integer.parseInt(t) : 0;
                    if (times == 0) {
                        problems.add(at(v) + p + ".times: how many of the action's next runs fail, 1 to 999999,"
                                + " got \"" + t + "\"");
                        return null;
                    }
                }
                return at == null || action == null ? null : new Scenario.Step(at, kind, List.of(a.get("node")), null,
                        null, null, 0, line, 0, Map.of(), action, times);
            }
            case "recover" -> {
                Map<String, String> a = args(v, p, List.of("node", "resource"), List.of("node", "resource"));
                if (a == null || a.get("node") == null) {
                    return null;
                }
                checkNode(a.get("node"), v, p + ".node", nodeNames);
                return at == null ? null : new Scenario.Step(at, kind, List.of(a.get("node")), null, a.get("resource"), null, 0, line);
            }
            case "write" -> {
                Map<String, String> a = args(v, p, List.of("node", "path", "bytes"), List.of("node", "path"));
                if (a == null || a.get("node") == null) {
                    return null;
                }
                checkNode(a.get("node"), v, p + ".node", nodeNames);
                long bytes = 0;
                if (a.get("bytes") != null) {
                    try {
                        bytes = Long.parseLong(a.get("bytes"));
                        if (bytes < 0) {
                            throw new NumberFormatException();
                        }
                    } catch (NumberFormatException e) {
                        problems.add(at(v) + p + ".bytes: must be a whole number >= 0, got \"" + a.get("bytes") + "\"");
                    }
                }
                return at == null ? null : new Scenario.Step(at, kind, List.of(a.get("node")), null, null, a.get("path"), bytes, line);
            }
            case "freeze" -> {
                // the node's Tandem process stops (SIGSTOP, a paused VM) and runs again after "for"
                Map<String, String> a = args(v, p, List.of("node", "for"), List.of("node", "for"));
                if (a == null || a.get("node") == null || a.get("for") == null) {
                    return null;
                }
                checkNode(a.get("node"), v, p + ".node", nodeNames);
                Node forNode = ((MappingNode) v).getValue().stream()
                        .filter(t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("for"))
                        .findFirst().orElseThrow().getValueNode();
                Long span = duration(forNode, p + ".for");
                if (span != null && span <= 0) {
                    problems.add(at(forNode) + p + ".for: must be longer than 0, got \"" + a.get("for") + "\"");
                    return null;
                }
                return at == null || span == null ? null
                        : new Scenario.Step(at, kind, List.of(a.get("node")), null, null, null, 0, line, span);
            }
            default -> throw new IllegalStateException(kind);
        }
    }

    private Scenario.Expect expect(Node item, String path, Set<String> nodeNames) {
        if (!(item instanceof MappingNode m)) {
            problems.add(at(item) + path + ": an expectation is a mapping like {at: 160s, node: node2, state: ALONE}");
            return null;
        }
        Map<String, NodeTuple> f = fields(m, List.of("at", "node", "state", "data", "services", "did", "accepted",
                "refused", "reason"), path + ".");
        for (String required : List.of("at", "node")) {
            if (!f.containsKey(required)) {
                problems.add(at(item) + path + "." + required + ": missing");
            }
        }
        Long at = f.containsKey("at") ? duration(f.get("at").getValueNode(), path + ".at") : null;
        String node = f.containsKey("node") ? scalar(f.get("node").getValueNode(), path + ".node") : null;
        if (node != null) {
            checkNode(node, f.get("node").getValueNode(), path + ".node", nodeNames);
        }
        NodeState state = null;
        DataState data = null;
        Activity services = null;
        if (f.containsKey("state")) {
            String s = scalar(f.get("state").getValueNode(), path + ".state");
            try {
                state = s == null ? null : NodeState.valueOf(s);
            } catch (IllegalArgumentException e) {
                problems.add(at(f.get("state").getValueNode()) + path + ".state: must be one of STOP, WAIT, ALONE, PRIM, SECOND, got \"" + s + "\"");
            }
        }
        if (f.containsKey("data")) {
            String s = scalar(f.get("data").getValueNode(), path + ".data");
            try {
                data = s == null ? null : DataState.ofLabel(s);
            } catch (IllegalArgumentException e) {
                problems.add(at(f.get("data").getValueNode()) + path + ".data: " + e.getMessage());
            }
        }
        if (f.containsKey("services")) {
            String s = scalar(f.get("services").getValueNode(), path + ".services");
            if ("running".equals(s)) {
                services = Activity.RUNNING;
            } else if ("stopped".equals(s)) {
                services = Activity.STOPPED;
            } else {
                problems.add(at(f.get("services").getValueNode()) + path + ".services: must be running or stopped, got \"" + s + "\"");
            }
        }
        List<String> did = new ArrayList<>();
        if (f.containsKey("did")) {
            Node v = f.get("did").getValueNode();
            List<Node> items = v instanceof SequenceNode seq ? seq.getValue() : List.of(v);
            for (Node a : items) {
                String name = scalar(a, path + ".did");
                if (name != null && !NAME.matcher(name).matches()) {
                    problems.add(at(a) + path + ".did: an action name like mail-takeover, got \"" + name + "\"");
                } else if (name != null) {
                    did.add(name);
                }
            }
        }
        String command = null;
        boolean accepted = false;
        if (f.containsKey("accepted") && f.containsKey("refused")) {
            problems.add(at(f.get("refused").getKeyNode()) + path + ": accepted and refused: give one of them");
        }
        for (String key : List.of("accepted", "refused")) {
            if (f.containsKey(key)) {
                String name = scalar(f.get(key).getValueNode(), path + "." + key);
                if (name != null && !NAME.matcher(name).matches()) {
                    problems.add(at(f.get(key).getValueNode()) + path + "." + key + ": a command name like switchover, got \""
                            + name + "\"");
                } else {
                    command = name;
                    accepted = key.equals("accepted");
                }
            }
        }
        String reason = null;
        if (f.containsKey("reason")) {
            reason = scalar(f.get("reason").getValueNode(), path + ".reason");
            if (!f.containsKey("accepted") && !f.containsKey("refused")) {
                problems.add(at(f.get("reason").getKeyNode()) + path + ".reason: the reason of an answer: give accepted"
                        + " or refused with it");
            } else if (reason != null && reason.isEmpty()) {
                problems.add(at(f.get("reason").getValueNode()) + path + ".reason: a text the reason contains, not empty");
            }
        }
        boolean checksSomething = f.containsKey("state") || f.containsKey("data") || f.containsKey("services")
                || f.containsKey("did") || f.containsKey("accepted") || f.containsKey("refused");
        if (!checksSomething && f.containsKey("at") && f.containsKey("node")) {
            problems.add(at(item) + path + ": nothing to check; give state, data, services, did, accepted or refused");
        }
        if (at == null || node == null) {
            return null;
        }
        return new Scenario.Expect(at, node, state, data, services, did, command, accepted, reason, line(item));
    }

    // ---------------------------------------------------------------------------------------------

    private Map<String, NodeTuple> fields(MappingNode m, List<String> allowed, String prefix) {
        Map<String, NodeTuple> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode(), prefix.isEmpty() ? "(key)" : prefix + "(key)");
            if (key == null) {
                continue;
            }
            if (!allowed.contains(key)) {
                problems.add(at(t.getKeyNode()) + prefix + key + ": unknown " + (prefix.isEmpty() ? "key" : "field")
                        + suggestion(key, allowed));
            } else if (out.put(key, t) != null) {
                problems.add(at(t.getKeyNode()) + prefix + key + ": given twice");
            }
        }
        return out;
    }

    private Map<String, String> args(Node v, String path, List<String> allowed, List<String> required) {
        if (!(v instanceof MappingNode m)) {
            problems.add(at(v) + path + ": must be a mapping with " + String.join(", ", allowed));
            return null;
        }
        Map<String, NodeTuple> f = fields(m, allowed, path + ".");
        Map<String, String> out = new LinkedHashMap<>();
        for (String r : required) {
            if (!f.containsKey(r)) {
                problems.add(at(v) + path + "." + r + ": missing");
            }
        }
        for (Map.Entry<String, NodeTuple> e : f.entrySet()) {
            if (e.getKey().equals("args")) {
                continue; // a command's arguments are a mapping of their own (commandArgs)
            }
            out.put(e.getKey(), scalar(e.getValue().getValueNode(), path + "." + e.getKey()));
        }
        return out;
    }

    /**
     * A command step's {@code args: {file: /var/backup/full.tar, confirm: true}}: argument name -> value in
     * file order, of the shape {@link CommandArgs} allows; empty when the step has none.
     */
    private Map<String, String> commandArgs(MappingNode step, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        Node v = step.getValue().stream()
                .filter(t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("args"))
                .map(NodeTuple::getValueNode).findFirst().orElse(null);
        if (v == null) {
            return out;
        }
        if (!(v instanceof MappingNode m)) {
            problems.add(at(v) + path + ": must be a mapping of argument name to value, e.g. {file: backup.tar, confirm: true}");
            return out;
        }
        for (NodeTuple t : m.getValue()) {
            String name = scalar(t.getKeyNode(), path + ".(key)");
            String value = scalar(t.getValueNode(), path + "." + name);
            if (name == null || value == null) {
                continue;
            }
            if (out.put(name, value) != null) {
                problems.add(at(t.getKeyNode()) + path + "." + name + ": given twice");
            }
        }
        for (String problem : CommandArgs.problems(out)) {
            problems.add(at(v) + path + ": " + problem);
        }
        return out;
    }

    private List<String> names(Node v, String path, Set<String> nodeNames, boolean witnessAllowed) {
        List<String> out = new ArrayList<>();
        List<Node> items = v instanceof SequenceNode s ? s.getValue() : List.of(v);
        for (Node n : items) {
            String name = scalar(n, path);
            if (name == null) {
                continue;
            }
            if (!(witnessAllowed && name.equals(WITNESS))) {
                checkNode(name, n, path, nodeNames);
            }
            out.add(name);
        }
        return out;
    }

    private void checkNode(String name, Node where, String path, Set<String> nodeNames) {
        if (name != null && !nodeNames.isEmpty() && !nodeNames.contains(name)) {
            problems.add(at(where) + path + ": unknown node \"" + name + "\"; the scenario's nodes are "
                    + String.join(", ", nodeNames));
        }
    }

    private String scalar(Node n, String path) {
        if (n instanceof ScalarNode s) {
            return s.getValue();
        }
        problems.add(at(n) + path + ": must be a single value");
        return null;
    }

    private Long duration(Node n, String path) {
        String s = scalar(n, path);
        if (s == null) {
            return null;
        }
        Optional<Duration> d = Durations.parse(s);
        if (d.isEmpty()) {
            problems.add(at(n) + path + ": must be a duration like 500ms, 30s, 2m or 1m30s, got \"" + s + "\"");
            return null;
        }
        return d.get().toMillis();
    }

    private static String suggestion(String key, List<String> allowed) {
        return Suggest.closest(key, allowed).map(b -> "; did you mean \"" + b + "\"?")
                .orElse("; expected one of " + String.join(", ", allowed));
    }

    private static int line(Node n) {
        return n.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    private String at(Node n) {
        return at(line(n));
    }

    String at(int line) {
        return line > 0 ? display + ":" + line + ": " : display + ": ";
    }
}
