package tandem.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import tandem.node.NetnsPoller;

/**
 * The client in its namespace: polls {@code http://HOST:8080/} every 20 ms on a fresh connection
 * bounded by 300 ms ({@link NetnsPoller}) and keeps every finished poll: start, end, who answered.
 */
final class Client {
    record Poll(long start, long end, String answer) {
        boolean answered() {
            return !answer.equals("-");
        }
    }

    private final List<Poll> polls = new CopyOnWriteArrayList<>();
    private Process process;

    void start(FaultLab lab, String host, long limitSeconds) throws IOException {
        process = lab.startPiped(lab.client, List.of(Faults.java(), "-Xmx32m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", Faults.classPath(), NetnsPoller.class.getName(), host,
                String.valueOf(Pair.APP_PORT), "20", "300", String.valueOf(limitSeconds)));
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String[] f = line.split(" ");
                    if (f.length == 3) {
                        polls.add(new Poll(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2]));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // the client ended
            }
        }, "fault client");
        reader.setDaemon(true);
        reader.start();
    }

    void stop() {
        if (process != null) {
            process.destroy();
        }
    }

    List<Poll> since(long t) {
        List<Poll> out = new ArrayList<>();
        for (Poll p : polls) {
            if (p.start() >= t) {
                out.add(p);
            }
        }
        return out;
    }

    /** The first poll started at or after {@code t} that {@code answer} answered. */
    Optional<Poll> first(String answer, long t) {
        return polls.stream().filter(p -> p.start() >= t && p.answer().equals(answer)).findFirst();
    }

    /** The longest time between two answers in [from, to] (from {@code from} to the first, and from the last to {@code to}). */
    long maxGap(long from, long to) {
        long prev = from;
        long max = 0;
        for (Poll p : polls) {
            if (!p.answered() || p.end() < from || p.start() > to) {
                continue;
            }
            max = Math.max(max, p.end() - prev);
            prev = p.end();
        }
        return Math.max(max, to - prev);
    }

    int size() {
        return polls.size();
    }
}
