package tandem.redundancy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the JSON records this package keeps beside its files (an archive's manifest, the standby's
 * import record, a rollback's progress): one JSON object a file. Each record names its own fields'
 * errors; this names the file's: it cannot be read, is not JSON (with the line), or is not an object.
 */
final class JsonRecord {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonRecord() {
    }

    /**
     * The object in {@code file}; empty when the file does not exist.
     *
     * @throws IllegalArgumentException {@code FILE: message} or {@code FILE:LINE: not JSON: ...}
     */
    static Optional<JsonNode> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ":" + e.getLocation().getLineNr() + ": not JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": not a JSON object");
        }
        return Optional.of(root);
    }
}
