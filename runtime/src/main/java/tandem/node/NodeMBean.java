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
            server.registerMBean(new StandardMBean(new NodeMBean(loop, commands), TandemNodeMBean.class), n);
        } catch (JMException e) {
            throw new IllegalStateException("cannot register the Tandem MBean", e);
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
        return (a.accepted() ? "accepted: " : "refused: ") + a.reason();
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
