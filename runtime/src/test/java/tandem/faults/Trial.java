package tandem.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One trial of one fault: what the client and the checkers saw. A results file holds one trial per
 * line (JSON), appended; {@code bench/faults} prints its table over every line of the file.
 *
 * @param fault       the fault's name, e.g. {@code kill9-primary}
 * @param profile     {@code ms-failover}, {@code sbs} or {@code redundancy}
 * @param seed        the run's seed (a trial is repeated with {@code --fault NAME --seed S})
 * @param at          when the trial started (ISO-8601)
 * @param outageMs    the service's outage as the client saw it (no answer from the time of the fault to
 *                    the first answer after it), or -1 when the fault does not interrupt service
 * @param pairMs      from the heal (or the fault, when nothing heals) to the formed pair again, or -1
 * @param spurious    failovers while heartbeats still arrived within the timeout
 * @param violations  invariant violations, each a sentence with the time it was seen
 * @param notes       what else happened (a node restarted, data written in the async window and lost)
 */
record Trial(String fault, String profile, long seed, String at, long outageMs, long pairMs, int spurious,
        List<String> violations, List<String> notes) {
    private static final ObjectMapper JSON = new ObjectMapper();

    String json() {
        ObjectNode o = JSON.createObjectNode();
        o.put("fault", fault).put("profile", profile).put("seed", seed).put("at", at).put("outageMs", outageMs)
                .put("pairMs", pairMs).put("spurious", spurious);
        violations.forEach(o.putArray("violations")::add);
        notes.forEach(o.putArray("notes")::add);
        // the array is there even when empty
        o.withArray("violations");
        o.withArray("notes");
        return o.toString();
    }

    static Trial parse(String line) throws IOException {
        JsonNode o = JSON.readTree(line);
        List<String> v = new ArrayList<>();
        o.path("violations").forEach(x -> v.add(x.asText()));
        List<String> n = new ArrayList<>();
        o.path("notes").forEach(x -> n.add(x.asText()));
        return new Trial(o.path("fault").asText(), o.path("profile").asText(), o.path("seed").asLong(),
                o.path("at").asText(), o.path("outageMs").asLong(-1), o.path("pairMs").asLong(-1),
                o.path("spurious").asInt(), v, n);
    }

    /** Appends to {@code file} under a file lock (two runs may share one results file). */
    void append(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND); FileLock lock = ch.lock()) {
            ch.write(java.nio.ByteBuffer.wrap((json() + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
    }

    /** Every trial in {@code file}; a line that is not a trial is named with its number. */
    static List<Trial> read(Path file) throws IOException {
        List<Trial> all = new ArrayList<>();
        if (!Files.exists(file)) {
            return all;
        }
        int no = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            no++;
            if (line.isBlank()) {
                continue;
            }
            try {
                all.add(parse(line));
            } catch (IOException e) {
                throw new IOException(file + ":" + no + ": not a trial: " + e.getMessage(), e);
            }
        }
        return all;
    }
}
