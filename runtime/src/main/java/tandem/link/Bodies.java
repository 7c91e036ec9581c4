package tandem.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import tandem.facts.CommandArgs;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;

/** The JSON bodies of the three frame types, both ways. A body that does not parse is {@link DropReason#MALFORMED}. */
final class Bodies {
    private Bodies() {
    }

    /** HELLO's body. */
    record Hello(String nodeId, String version, String profile, SortedMap<String, String> fingerprint) {
    }

    /**
     * COMMAND's body.
     *
     * @param id unique within the sender's session; the same command goes out on every link, and the
     *           receiver delivers it once
     */
    record Command(String name, String origin, long id, Map<String, String> args) {
        Command {
            args = CommandArgs.checked(args);
        }

        Command(String name, String origin, long id) {
            this(name, origin, id, Map.of());
        }
    }

    static ObjectNode hello(Hello h) {
        ObjectNode n = FrameCodec.JSON.createObjectNode();
        n.put("nodeId", h.nodeId());
        n.put("version", h.version());
        n.put("profile", h.profile());
        ObjectNode fp = n.putObject("fingerprint");
        h.fingerprint().forEach(fp::put);
        return n;
    }

    static Hello hello(ObjectNode n) throws Dropped {
        JsonNode fp = n.get("fingerprint");
        if (fp == null || !fp.isObject()) {
            throw new Dropped(DropReason.MALFORMED, "HELLO lacks the object \"fingerprint\"");
        }
        SortedMap<String, String> map = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = fp.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new Dropped(DropReason.MALFORMED, "HELLO fingerprint \"" + e.getKey() + "\" is not a string");
            }
            map.put(e.getKey(), e.getValue().asText());
        }
        return new Hello(FrameCodec.text(n, "nodeId"), FrameCodec.text(n, "version"), FrameCodec.text(n, "profile"), map);
    }

    /**
     * Field the sender adds to a heartbeat's body when it signs the frame: milliseconds (its monotonic
     * clock) since the heartbeat was made ({@link Receiver}, "Current evidence").
     */
    static final String WAITED = "waitedMillis";

    static ObjectNode heartbeat(Heartbeat hb) {
        ObjectNode n = FrameCodec.JSON.createObjectNode();
        n.put("nodeId", hb.nodeId());
        n.put("state", hb.state().name());
        n.put("data", hb.data().name());
        n.put("generation", hb.generation());
        n.put("holding", hb.holding());
        n.put("priority", hb.priority());
        n.put("sentAt", hb.sentAt());
        return n;
    }

    static Heartbeat heartbeat(ObjectNode n) throws Dropped {
        long priority = FrameCodec.number(n, "priority");
        if (priority < Integer.MIN_VALUE || priority > Integer.MAX_VALUE) {
            throw new Dropped(DropReason.MALFORMED, "heartbeat priority " + priority + " is out of range");
        }
        return new Heartbeat(FrameCodec.text(n, "nodeId"), constant(NodeState.class, FrameCodec.text(n, "state")),
                constant(DataState.class, FrameCodec.text(n, "data")), FrameCodec.number(n, "generation"),
                FrameCodec.bool(n, "holding"), (int) priority, FrameCodec.number(n, "sentAt"));
    }

    static ObjectNode command(Command c) {
        ObjectNode n = FrameCodec.JSON.createObjectNode();
        n.put("name", c.name());
        n.put("origin", c.origin());
        n.put("id", c.id());
        if (!c.args().isEmpty()) {
            // absent when there are none, as a sender from before arguments wrote it
            ObjectNode a = n.putObject("args");
            c.args().forEach(a::put);
        }
        return n;
    }

    /** A COMMAND; one without {@code args} (a sender from before arguments, or none given) has none. */
    static Command command(ObjectNode n) throws Dropped {
        Map<String, String> args = new LinkedHashMap<>();
        JsonNode a = n.get("args");
        if (a != null) {
            if (!a.isObject()) {
                throw new Dropped(DropReason.MALFORMED, "COMMAND \"args\" is not an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new Dropped(DropReason.MALFORMED, "COMMAND argument \"" + e.getKey() + "\" is not a string");
                }
                args.put(e.getKey(), e.getValue().asText());
            }
            List<String> problems = CommandArgs.problems(args);
            if (!problems.isEmpty()) {
                throw new Dropped(DropReason.MALFORMED, "COMMAND " + String.join("; ", problems));
            }
        }
        return new Command(FrameCodec.text(n, "name"), FrameCodec.text(n, "origin"), FrameCodec.number(n, "id"), args);
    }

    /** A replication notice: its id (unique per sender session) and its content, kept as JSON. */
    record Notice(long id, ObjectNode content) {
    }

    static ObjectNode notice(Notice c) {
        ObjectNode n = FrameCodec.JSON.createObjectNode();
        n.put("id", c.id());
        n.set("content", c.content());
        return n;
    }

    static Notice notice(ObjectNode n) throws Dropped {
        if (!(n.get("content") instanceof ObjectNode content)) {
            throw new Dropped(DropReason.MALFORMED, "notice without a content object");
        }
        return new Notice(FrameCodec.number(n, "id"), content);
    }

    private static <E extends Enum<E>> E constant(Class<E> type, String name) throws Dropped {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new Dropped(DropReason.MALFORMED, "unknown " + type.getSimpleName() + " \"" + name + "\"");
        }
    }
}
