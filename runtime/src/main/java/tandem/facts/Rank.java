package tandem.facts;

import java.util.Comparator;

/**
 * Which of two nodes has the better claim to be active: current data first (a node that is not
 * uptodate never wins against one that is: DESIGN "Node states"), then the higher generation (it
 * was active later, so its data is newest), then the configured priority, then the lower node id.
 * Both nodes compute it from the same heartbeat values, so they always agree.
 */
public record Rank(long generation, boolean uptodate, int priority, String nodeId) implements Comparable<Rank> {

    private static final Comparator<Rank> ORDER = Comparator.comparing(Rank::uptodate)
            .thenComparingLong(Rank::generation)
            .thenComparingInt(Rank::priority)
            .thenComparing(Rank::nodeId, Comparator.reverseOrder());

    @Override
    public int compareTo(Rank o) {
        return ORDER.compare(this, o);
    }

    /** True when {@code local} outranks {@code peer}. */
    public static boolean beats(LocalNode local, Settings s, PeerAlive peer) {
        Rank a = new Rank(local.generation(), local.uptodate(), s.priority(), s.nodeId());
        Rank b = new Rank(peer.generation(), peer.uptodate(), peer.priority(), s.peerId());
        return a.compareTo(b) > 0;
    }
}
