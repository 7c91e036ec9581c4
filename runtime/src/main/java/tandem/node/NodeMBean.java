package tandem.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import tandem.config.NodeConfig;
import tandem.engine.CycleOutcome.CommandAnswer;
import tandem.engine.EngineLoop;
import tandem.engine.NodeStatus;
import tandem.facts.CommandArgs;

/**
 * The Tandem MBean, {@code tandem:type=Node,name=<id>}, beside camel-management's MBeans (GEN-3): the
 * node's state as attributes, the node's commands as an attribute and one operation that runs one of
 * them. The operation sends the command to its route ({@code direct:command-stop} ...), so JMX, Hawtio,
 * the HTTP API, the CLI and the peer all end in the same place, where the rules accept or refuse it.
 */
public final class NodeMBean implements TandemNodeMBean {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EngineLoop loop;
    private final CommandRoutes commands;

    private NodeMBean(EngineLoop loop, CommandRoutes commands) {
        this.loop = loop;
        this.commands = commands;
    }

    static ObjectName name(NodeConfig c) throws JMException {
        return new ObjectName("tandem", new java.util.Hashtable<>(java.util.Map.of("type", "Node", "name", c.node().id())));
    }

    static void register(NodeConfig c, EngineLoop loop, CommandRoutes commands) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName n = name(c);
            if (server.isRegistered(n)) {
                server.unregisterMBean(n);
            }
            server.registerMBean(new Described(new NodeMBean(loop, commands)), n);
        } catch (JMException e) {
            throw new IllegalStateException("cannot register the Tandem MBean", e);
        }
    }

    /**
     * The MBean with its attributes, operations and parameters described in words, as JMX clients and Hawtio
     * show them (a plain StandardMBean says "Operation exposed for management").
     */
    static final class Described extends StandardMBean {
        private static final Map<String, String> WORDS = Map.ofEntries(
                Map.entry("State", "This node's state: STOP, WAIT, SECOND, PRIM or ALONE (the README's state diagram)"),
                Map.entry("DataState", "Whether this node's data is uptodate with the active node's"),
                Map.entry("Generation", "The generation of this node's data: it grows at every takeover"),
                Map.entry("PeerState", "The peer's state as last heard, or unknown"),
                Map.entry("Commands", "The operator commands this node has (its command routes)"),
                Map.entry("command", "Runs an operator command; the rules accept or refuse it. Answers \"accepted: reason"
                        + " (ticket N: actions)\" or \"refused: reason\""),
                Map.entry("commandAndWait", "Runs an operator command and waits for the actions it started: \"NAME done\","
                        + " \"NAME failed: ACTION failed: WHY\", \"refused: reason\" or still running after the timeout"),
                Map.entry("commandOutcome", "What became of an accepted command, by the ticket its answer named"));
        private static final Map<String, String[]> PARAMS = Map.of(
                "command", new String[] {"name", "The command: one of the attribute Commands",
                        "args", "Its arguments: file=F,confirm (a name alone is a flag) or a JSON object; blank for none"},
                "commandAndWait", new String[] {"name", "The command: one of the attribute Commands",
                        "args", "Its arguments: file=F,confirm (a name alone is a flag) or a JSON object; blank for none",
                        "timeoutSeconds", "How long to wait for its actions, in seconds (at most 3600)"},
                "commandOutcome", new String[] {"ticket", "The ticket number the command's answer named"});

        Described(NodeMBean impl) {
            super(impl, TandemNodeMBean.class, false);
        }

        @Override
        protected String getDescription(javax.management.MBeanInfo info) {
            return "A Tandem node: its state and its operator commands (the same routes as the console, the HTTP API"
                    + " and the command line)";
        }

        @Override
        protected String getDescription(javax.management.MBeanAttributeInfo info) {
            return WORDS.getOrDefault(info.getName(), info.getDescription());
        }

        @Override
        protected String getDescription(javax.management.MBeanOperationInfo info) {
            return WORDS.getOrDefault(info.getName(), info.getDescription());
        }

        @Override
        protected String getParameterName(javax.management.MBeanOperationInfo op, javax.management.MBeanParameterInfo param,
                int sequence) {
            String[] p = PARAMS.get(op.getName());
            int i = sequence * 2;
            return p != null && i < p.length ? p[i] : param.getName();
        }

        @Override
        protected String getDescription(javax.management.MBeanOperationInfo op, javax.management.MBeanParameterInfo param,
                int sequence) {
            String[] p = PARAMS.get(op.getName());
            int i = sequence * 2 + 1;
            return p != null && i < p.length ? p[i] : param.getDescription();
        }
    }

    static void unregister(NodeConfig c) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName n = name(c);
            if (server.isRegistered(n)) {
                server.unregisterMBean(n);
            }
        } catch (JMException e) {
            // the JVM is going down; nothing to keep
        }
    }

    private NodeStatus st() {
        return loop.status();
    }

    @Override
    public String getState() {
        return st().state().name();
    }

    @Override
    public String getDataState() {
        return st().data().label();
    }

    @Override
    public long getGeneration() {
        return st().generation();
    }

    @Override
    public String getPeerState() {
        return st().peer() == null ? "unknown" : st().peer().state().name();
    }

    @Override
    public String[] getCommands() {
        return commands.known().toArray(String[]::new);
    }

    @Override
    public String command(String name) {
        return command(name, "");
    }

    @Override
    public String command(String name, String args) {
        CommandAnswer a = commands.answer(name, "jmx", args(args));
        return (a.accepted() ? "accepted: " : "refused: ") + a.reason() + ticket(a);
    }

    private static String ticket(CommandAnswer a) {
        if (a.ticket() <= 0) {
            return "";
        }
        return " (ticket " + a.ticket() + (a.actions().isEmpty() ? ", no action" : ": " + String.join(", ", a.actions())) + ")";
    }

    /** The longest wait {@link #commandAndWait} takes. */
    static final int MAX_WAIT_S = 3_600;

    @Override
    public String commandAndWait(String name, String args, int timeoutSeconds) {
        if (timeoutSeconds < 0 || timeoutSeconds > MAX_WAIT_S) {
            throw new IllegalArgumentException("timeoutSeconds: from 0 to " + MAX_WAIT_S + ", got " + timeoutSeconds);
        }
        CommandAnswer a = commands.answer(name, "jmx", args(args));
        if (!a.accepted()) {
            return "refused: " + a.reason();
        }
        if (a.ticket() <= 0) {
            return name + " done: " + a.reason();
        }
        try {
            return loop.tickets().await(a.ticket(), timeoutSeconds * 1000L)
                    .map(o -> o.ended() ? o.sentence() : name + " running after " + timeoutSeconds + " s: waiting for "
                            + String.join(", ", o.waitingFor()))
                    .orElse(name + ": ticket " + a.ticket() + " no longer kept");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return name + " running: the wait was interrupted";
        }
    }

    @Override
    public String commandOutcome(long ticket) {
        return loop.tickets().outcome(ticket).map(tandem.engine.CommandTickets.Outcome::sentence)
                .orElse("ticket " + ticket + ": not a command this node accepted (it keeps the last "
                        + tandem.engine.CommandTickets.KEPT + ", since it started)");
    }

    /**
     * The arguments of {@link #command(String, String)}: {@code file=F,confirm}, or a JSON object of
     * string values; checked by {@link CommandArgs}.
     */
    static Map<String, String> args(String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        String s = spec.strip();
        if (s.startsWith("{")) {
            JsonNode n;
            try {
                n = JSON.readTree(s);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("args: not a JSON object: " + e.getOriginalMessage());
            }
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("args: not a JSON object");
            }
            for (var it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new IllegalArgumentException("argument \"" + e.getKey() + "\": the value must be a string");
                }
                out.put(e.getKey(), e.getValue().asText());
            }
        } else {
            for (String part : s.split(",", -1)) {
                String p = part.strip();
                int eq = p.indexOf('=');
                String name = eq < 0 ? p : p.substring(0, eq).strip();
                if (out.containsKey(name)) {
                    throw new IllegalArgumentException("argument \"" + name + "\" given twice");
                }
                out.put(name, eq < 0 ? CommandArgs.FLAG : p.substring(eq + 1));
            }
        }
        List<String> problems = CommandArgs.problems(out);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return out;
    }
}
