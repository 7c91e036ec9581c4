package tandem.redundancy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import tandem.AtomicFiles;
import tandem.facts.BackupImported;
import tandem.facts.ImportRecordUnreadable;

/**
 * The standby's record of its newest import: {@code <node.state-dir>/last-import.json}, written by the
 * import when it finished and read by the node at start, so that the rules know how old the standby's
 * data is (a standby whose newest backup is older than two of the active's schedule intervals is not
 * uptodate).
 *
 * <p>The file is one JSON object:
 * <pre>
 * {
 *   "at": "2026-12-24T02:41:07Z",          required: when the import finished, ISO-8601 with zone (UTC)
 *   "name": "backup-20261224-0230.tar",     required: the archive's file name, as the status shows it
 *   "interval-seconds": 86400,              required, &gt; 0: the active's schedule interval the backup
 *                                           was made under (its manifest says it; the standby's own
 *                                           configuration has no schedule)
 *   "size": 1048576,                        optional: the archive's size in bytes
 *   "sha256": "..."                         optional: the archive's SHA-256, as verified
 * }
 * </pre>
 * Other fields are the import's own and are ignored here. The file is replaced whole ({@link #write}:
 * a temporary name, then a rename), so a reader never sees half of it.
 */
public final class LastImport {
    /** The file's name inside {@code node.state-dir}. */
    public static final String FILE = "last-import.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private LastImport() {
    }

    /**
     * One import, as the file holds it.
     *
     * @param size   the archive's size in bytes, or -1 when not recorded
     * @param sha256 the archive's SHA-256 (hex), or empty when not recorded
     */
    public record Entry(Instant at, String name, Duration interval, long size, String sha256) {
    }

    /**
     * The fact the engine gets from {@code stateDir}'s record: a {@link BackupImported}, an
     * {@link ImportRecordUnreadable} naming the file and the field at fault, or empty when no import
     * was recorded (the file does not exist).
     */
    public static Optional<Object> fact(Path stateDir) {
        Path file = stateDir.resolve(FILE);
        try {
            return read(file).map(e -> new BackupImported(e.at().toEpochMilli(), e.name(), e.interval().toMillis()));
        } catch (IllegalArgumentException e) {
            return Optional.of(new ImportRecordUnreadable(e.getMessage()));
        }
    }

    /**
     * Reads {@code file}; empty when it does not exist.
     *
     * @throws IllegalArgumentException {@code FILE: field: message} when it cannot be read or a field is wrong
     */
    public static Optional<Entry> read(Path file) {
        Optional<JsonNode> read = JsonRecord.read(file);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        JsonNode root = read.get();
        JsonNode at = root.get("at");
        if (at == null || !at.isTextual()) {
            throw new IllegalArgumentException(file + ": at: missing, or not a time like \"2026-12-24T02:41:07Z\"");
        }
        Instant when;
        try {
            when = Instant.parse(at.asText());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(file + ": at: not a time like \"2026-12-24T02:41:07Z\", got \""
                    + at.asText() + "\"", e);
        }
        JsonNode name = root.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            throw new IllegalArgumentException(file + ": name: missing, or not the archive's file name");
        }
        JsonNode interval = root.get("interval-seconds");
        if (interval == null || !interval.canConvertToLong() || !interval.isIntegralNumber() || interval.asLong() <= 0) {
            throw new IllegalArgumentException(file + ": interval-seconds: missing, or not a whole number above 0");
        }
        JsonNode size = root.get("size");
        if (size != null && (!size.isIntegralNumber() || size.asLong() < 0)) {
            throw new IllegalArgumentException(file + ": size: not a whole number of bytes");
        }
        JsonNode sha = root.get("sha256");
        if (sha != null && (!sha.isTextual() || !sha.asText().matches("[0-9a-f]{64}"))) {
            throw new IllegalArgumentException(file + ": sha256: not 64 lower-case hex digits");
        }
        return Optional.of(new Entry(when, name.asText(), Duration.ofSeconds(interval.asLong()),
                size == null ? -1 : size.asLong(), sha == null ? "" : sha.asText()));
    }

    /** Replaces {@code stateDir}'s record with {@code entry}, whole or not at all. */
    public static void write(Path stateDir, Entry entry) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("at", entry.at().toString());
        o.put("name", entry.name());
        o.put("interval-seconds", entry.interval().toSeconds());
        if (entry.size() >= 0) {
            o.put("size", entry.size());
        }
        if (!entry.sha256().isEmpty()) {
            o.put("sha256", entry.sha256());
        }
        Files.createDirectories(stateDir);
        AtomicFiles.write(stateDir.resolve(FILE),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
    }
}
