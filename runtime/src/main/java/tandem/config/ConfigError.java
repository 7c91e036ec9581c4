package tandem.config;

import java.util.Objects;

/**
 * One problem found in a node file, precise enough to fix without reading the loader.
 *
 * @param file    the file as the user named it, e.g. {@code node1.yaml}
 * @param line    1-based line of the offending value or key; 0 or less when unknown
 * @param path    dotted field path, list items as {@code services[2].name}; empty for the whole file
 * @param message what is wrong and, where possible, what would be right
 */
public record ConfigError(String file, int line, String path, String message) {
    public ConfigError {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** {@code FILE:LINE: path: message}, the form editors and {@code tandem check} understand (DESIGN.md). */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(file);
        if (line > 0) {
            s.append(':').append(line);
        }
        s.append(": ");
        if (!path.isEmpty()) {
            s.append(path).append(": ");
        }
        return s.append(message).toString();
    }
}
