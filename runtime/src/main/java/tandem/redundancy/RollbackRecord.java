package tandem.redundancy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tandem.AtomicFiles;
import tandem.facts.RollbackProgress;
import tandem.facts.RollbackProgress.Status;
import tandem.facts.RollbackProgress.Step;
import tandem.facts.RollbackRecordUnreadable;

/**
 * A rollback's progress (RED-12) on disk: {@code <node.state-dir>/rollback.json}, replaced whole
 * ({@link #write}: a temporary name, then a rename) every time the rules change it, and read back when
 * the node starts, so that a rollback goes on where it stood.
 *
 * <p>The file is one JSON object:
 * <pre>
 * {
 *   "started": "2026-12-24T09:00:00Z",      required: when the rollback started, ISO-8601 (UTC)
 *   "steps": [                              required, at least one, in the plan's order
 *     {"name": "backup",                    required, unique: the step's name
 *      "title": "back up this node ...",    required: what the step is
 *      "status": "confirmed",               required: pending, running, done, failed, by-hand, confirmed
 *      "action": "rollback-backup",         optional: the action a running step waits for
 *      "detail": "...",                     optional: what its outcome said
 *      "at": "2026-12-24T09:01:10Z"}        optional: when it got its status
 *   ]
 * }
 * </pre>
 */
public final class RollbackRecord {
    /** The file's name inside {@code node.state-dir}. */
    public static final String FILE = "rollback.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private RollbackRecord() {
    }

    /**
     * The fact the engine gets from {@code stateDir}'s record at start: the {@link RollbackProgress} (as
     * {@link RollbackProgress#asResumed resumed}), a {@link RollbackRecordUnreadable} naming the file and
     * field at fault, or empty when no rollback was recorded.
     */
    public static Optional<Object> fact(Path stateDir) {
        try {
            return read(stateDir.resolve(FILE)).map(RollbackProgress::asResumed);
        } catch (IllegalArgumentException e) {
            return Optional.of(new RollbackRecordUnreadable(e.getMessage()));
        }
    }

    /**
     * Reads {@code file}; empty when it does not exist.
     *
     * @throws IllegalArgumentException {@code FILE: field: message} when it cannot be read or a field is wrong
     */
    public static Optional<RollbackProgress> read(Path file) {
        Optional<JsonNode> read = JsonRecord.read(file);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        JsonNode root = read.get();
        long started = time(file, "started", root.get("started"), true);
        JsonNode steps = root.get("steps");
        if (steps == null || !steps.isArray() || steps.isEmpty()) {
            throw new IllegalArgumentException(file + ": steps: missing, or not a list of at least one step");
        }
        List<Step> out = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            String at = "steps[" + i + "]";
            JsonNode s = steps.get(i);
            if (!s.isObject()) {
                throw new IllegalArgumentException(file + ": " + at + ": not an object");
            }
            String name = text(file, at + ".name", s.get("name"), true);
            if (names.contains(name)) {
                throw new IllegalArgumentException(file + ": " + at + ".name: \"" + name + "\" is there twice");
            }
            names.add(name);
            String title = text(file, at + ".title", s.get("title"), true);
            String statusText = text(file, at + ".status", s.get("status"), true);
            Status status = Status.ofLabel(statusText);
            if (status == null) {
                throw new IllegalArgumentException(file + ": " + at + ".status: must be one of pending, running, done,"
                        + " failed, by-hand, confirmed, got \"" + statusText + "\"");
            }
            String action = text(file, at + ".action", s.get("action"), false);
            if (status == Status.RUNNING && action.isEmpty()) {
                throw new IllegalArgumentException(file + ": " + at + ".action: missing: a running step names the action"
                        + " it waits for");
            }
            out.add(new Step(name, title, status, action, text(file, at + ".detail", s.get("detail"), false),
                    time(file, at + ".at", s.get("at"), false)));
        }
        return Optional.of(new RollbackProgress(started, out, false));
    }

    /** Replaces {@code stateDir}'s record with {@code progress}, whole or not at all. */
    public static void write(Path stateDir, RollbackProgress progress) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("started", Instant.ofEpochMilli(progress.started()).toString());
        ArrayNode steps = o.putArray("steps");
        for (Step s : progress.steps()) {
            ObjectNode n = steps.addObject();
            n.put("name", s.name());
            n.put("title", s.title());
            n.put("status", s.status().label());
            if (!s.action().isEmpty()) {
                n.put("action", s.action());
            }
            if (!s.detail().isEmpty()) {
                n.put("detail", s.detail());
            }
            if (s.at() > 0) {
                n.put("at", Instant.ofEpochMilli(s.at()).toString());
            }
        }
        Files.createDirectories(stateDir);
        AtomicFiles.write(stateDir.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
    }

    private static String text(Path file, String field, JsonNode x, boolean required) {
        if (x == null) {
            if (required) {
                throw new IllegalArgumentException(file + ": " + field + ": missing");
            }
            return "";
        }
        if (!x.isTextual() || (required && x.asText().isBlank())) {
            throw new IllegalArgumentException(file + ": " + field + ": not " + (required ? "a non-empty " : "a ") + "string");
        }
        return x.asText();
    }

    private static long time(Path file, String field, JsonNode x, boolean required) {
        if (x == null && !required) {
            return 0;
        }
        if (x == null || !x.isTextual()) {
            throw new IllegalArgumentException(file + ": " + field + ": missing, or not a time like \"2026-12-24T09:00:00Z\"");
        }
        try {
            return Instant.parse(x.asText()).toEpochMilli();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(file + ": " + field + ": not a time like \"2026-12-24T09:00:00Z\", got \""
                    + x.asText() + "\"", e);
        }
    }
}
