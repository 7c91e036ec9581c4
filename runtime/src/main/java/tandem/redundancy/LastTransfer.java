package tandem.redundancy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tandem.AtomicFiles;

/**
 * The active's record of its newest backup transfer (RED-1, issue "Status"): {@code
 * <node.state-dir>/last-transfer.json}, replaced whole after every transfer, succeeded or failed, and
 * shown by {@code tandem status} and the API.
 *
 * <pre>
 * {
 *   "at": "2026-12-24T01:31:02Z",        when the transfer ended (UTC)
 *   "ok": true,                          whether the backup was sent, verified and imported on the standby
 *   "name": "backup-20261224-013000.backup",  the archive (absent when none was created)
 *   "size": 1048576,                     its size in bytes (-1 when none was created)
 *   "millis": 5230,                      how long the transfer took, the waits between attempts included
 *   "attempts": 1,                       how many attempts it took (RED-4)
 *   "verified": true,                    whether the standby's SHA-256 of the upload was compared with ours
 *   "error": "..."                       why it failed (absent when ok)
 * }
 * </pre>
 */
public record LastTransfer(Instant at, boolean ok, String name, long size, long millis, int attempts,
        boolean verified, String error) {
    /** The file's name inside {@code node.state-dir}. */
    public static final String FILE = "last-transfer.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Replaces {@code stateDir}'s record with this one, whole or not at all. */
    public void write(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        AtomicFiles.write(stateDir.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(view()));
    }

    /** The record as the file and the API show it. */
    public Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", at.toString());
        m.put("ok", ok);
        if (name != null) {
            m.put("name", name);
        }
        m.put("size", size);
        m.put("millis", millis);
        m.put("attempts", attempts);
        m.put("verified", verified);
        if (error != null) {
            m.put("error", error);
        }
        return m;
    }

    /** {@code stateDir}'s record; empty when there is none or it cannot be read (the status then shows none). */
    public static Optional<LastTransfer> read(Path stateDir) {
        try {
            JsonNode o = JSON.readTree(Files.readAllBytes(stateDir.resolve(FILE)));
            if (o == null || !o.isObject()) {
                return Optional.empty();
            }
            return Optional.of(new LastTransfer(Instant.parse(o.path("at").asText()), o.path("ok").asBoolean(),
                    o.hasNonNull("name") ? o.get("name").asText() : null, o.path("size").asLong(-1),
                    o.path("millis").asLong(), o.path("attempts").asInt(), o.path("verified").asBoolean(),
                    o.hasNonNull("error") ? o.get("error").asText() : null));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

}
