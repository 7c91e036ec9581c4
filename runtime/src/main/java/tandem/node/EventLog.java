package tandem.node;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.engine.EngineEvent;

/**
 * What the engine did, for operators: the last events in memory (for {@code tandem status} and the
 * console) and every event in the commands log (GEN-5: logger {@code tandem.commands}).
 */
public final class EventLog implements Consumer<EngineEvent> {
    private static final Logger COMMANDS = LoggerFactory.getLogger("tandem.commands");
    private static final int KEEP = 50;

    /** One event with its wall-clock time. */
    public record Entry(Instant at, EngineEvent event) {
        public String text() {
            EngineEvent e = event;
            String body = switch (e.kind()) {
                case "state", "data" -> e.kind() + " " + e.from() + " -> " + e.to() + ": " + e.reason();
                case "action" -> "action " + e.action();
                default -> e.reason();
            };
            return body + (e.rule() == null ? "" : "  (rule \"" + e.rule() + "\")");
        }
    }

    private final String nodeId;
    private final Clock clock;
    private final Deque<Entry> recent = new ArrayDeque<>();

    public EventLog(String nodeId, Clock clock) {
        this.nodeId = nodeId;
        this.clock = clock;
    }

    @Override
    public void accept(EngineEvent e) {
        Entry entry = new Entry(clock.instant(), e);
        synchronized (recent) {
            recent.addLast(entry);
            while (recent.size() > KEEP) {
                recent.removeFirst();
            }
        }
        COMMANDS.info("{} {}", nodeId, entry.text());
    }

    /** The most recent events, oldest first. */
    public List<Entry> recent() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }
}
