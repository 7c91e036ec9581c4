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
import java.util.Objects;
import tandem.AtomicFiles;

/**
 * What the active says about one backup archive: the file {@code <archive>.manifest.json} beside it,
 * written when the archive was created ({@link Backups}) and sent with it, so that the standby can
 * refuse a backup of another appliance or version and check that it received the archive whole
 * ({@link StandbyImport}).
 *
 * <pre>
 * {
 *   "name": "backup-20261224-023000.backup",   the archive's file name
 *   "size": 1048576,                           its size in bytes
 *   "sha256": "...",                           its SHA-256, 64 lower-case hex digits
 *   "created": "2026-12-24T01:30:07Z",         when the backup command finished (UTC)
 *   "license": "XXXXX-YYYYY-ZZZZZ-11111",      the active's server license key (RED-3)
 *   "version": "8.4.2",                        the active appliance's version (RED-2)
 *   "interval-seconds": 86400                  the active's schedule interval (the data's age is judged by it)
 * }
 * </pre>
 */
public record Manifest(String name, long size, String sha256, Instant created, String license, String version,
        Duration interval) {
    /** What a manifest's file name adds to its archive's. */
    public static final String SUFFIX = ".manifest.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    public Manifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(license, "license");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(interval, "interval");
    }

    /** The manifest file of {@code archive}: beside it, its name plus {@value #SUFFIX}. */
    public static Path of(Path archive) {
        return archive.resolveSibling(archive.getFileName() + SUFFIX);
    }

    /** Writes this manifest to {@code file}, whole or not at all. */
    public void write(Path file) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", name);
        o.put("size", size);
        o.put("sha256", sha256);
        o.put("created", created.toString());
        o.put("license", license);
        o.put("version", version);
        o.put("interval-seconds", interval.toSeconds());
        AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
    }

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException {@code FILE: field: message} when it is missing, not JSON, or a
     *                                  field is missing or wrong
     */
    public static Manifest read(Path file) {
        JsonNode root = JsonRecord.read(file).orElseThrow(() -> new IllegalArgumentException(
                file + ": missing: every backup comes with its manifest beside it"
                        + " (the archive's name plus " + SUFFIX + ")"));
        String name = text(file, root, "name");
        JsonNode size = root.get("size");
        if (size == null || !size.isIntegralNumber() || size.asLong() < 0) {
            throw new IllegalArgumentException(file + ": size: missing, or not a whole number of bytes");
        }
        String sha = text(file, root, "sha256");
        if (!sha.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(file + ": sha256: not 64 lower-case hex digits");
        }
        Instant created;
        try {
            created = Instant.parse(text(file, root, "created"));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(file + ": created: not a time like \"2026-12-24T01:30:07Z\"", e);
        }
        JsonNode interval = root.get("interval-seconds");
        if (interval == null || !interval.isIntegralNumber() || interval.asLong() <= 0) {
            throw new IllegalArgumentException(file + ": interval-seconds: missing, or not a whole number above 0");
        }
        return new Manifest(name, size.asLong(), sha, created, text(file, root, "license"), text(file, root, "version"),
                Duration.ofSeconds(interval.asLong()));
    }

    private static String text(Path file, JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw new IllegalArgumentException(file + ": " + field + ": missing, or not text");
        }
        return n.asText();
    }
}
