package tandem.link;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link LinkStats}; updated from Netty threads. */
final class LinkCounters {
    final LongAdder sent = new LongAdder();
    final LongAdder sendFailures = new LongAdder();
    final LongAdder accepted = new LongAdder();
    private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);

    LinkCounters() {
        for (DropReason r : DropReason.values()) {
            dropped.put(r, new LongAdder());
        }
    }

    void dropped(DropReason reason) {
        dropped.get(reason).increment();
    }

    LinkStats snapshot() {
        EnumMap<DropReason, Long> d = new EnumMap<>(DropReason.class);
        dropped.forEach((r, n) -> d.put(r, n.sum()));
        return new LinkStats(sent.sum(), sendFailures.sum(), accepted.sum(), d);
    }
}
