package tandem.link;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import tandem.facts.Heartbeat;

/** A {@link PeerLink.Listener} that keeps everything it hears, for assertions from the test thread. */
class Recorder implements PeerLink.Listener {
    record Beat(Heartbeat hb, long skew) {
    }

    final List<Beat> beats = new CopyOnWriteArrayList<>();
    final List<String> commands = new CopyOnWriteArrayList<>();
    final List<String> mismatches = new CopyOnWriteArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void heartbeat(Heartbeat hb, long skewMillis) {
        beats.add(new Beat(hb, skewMillis));
    }

    @Override
    public void command(String name, String origin, java.util.Map<String, String> args) {
        commands.add(name + " from " + origin + (args.isEmpty() ? "" : " " + args));
    }

    @Override
    public void mismatch(String detail) {
        mismatches.add(detail);
        events.add("mismatch: " + detail);
    }

    @Override
    public void mismatchCleared() {
        events.add("cleared");
    }

    @Override
    public void linkUp(String link) {
        events.add("up " + link);
    }

    @Override
    public void linkDown(String link) {
        events.add("down " + link);
    }

    int beatCount() {
        return beats.size();
    }

    boolean beatFrom(String node, long generation) {
        return beats.stream().anyMatch(b -> b.hb().nodeId().equals(node) && b.hb().generation() == generation);
    }

    Beat last() {
        return beats.get(beats.size() - 1);
    }
}
