package tandem.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a node file ({@code node1.yaml}) into a {@link NodeConfig}: YAML syntax, unknown fields (with
 * a "did you mean"), types, required fields, ranges, enum values, durations and the cross-field rules
 * are all checked, and every error found is reported at once in one {@link ConfigException}, each as
 * {@code FILE:LINE: path: message}.
 *
 * <p>Relative paths in the file ({@code state-dir}, {@code license}, folders, extensions,
 * {@code ${file:...}} secrets) are resolved against the folder the file is in.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * Loads {@code file}; secrets named {@code ${env:NAME}} come from this process's environment.
     * Errors name the file as given ({@code file.toString()}).
     *
     * @throws ConfigException listing every problem, including a file that cannot be read, is larger
     *                         than {@link TextFile#DOCUMENT_LIMIT} or is not UTF-8 (at the line of the first
     *                         byte that is not)
     */
    public static NodeConfig load(Path file) throws ConfigException {
        String displayName = file.toString();
        Path absolute = file.toAbsolutePath().normalize();
        String text;
        try {
            text = TextFile.read(absolute, TextFile.DOCUMENT_LIMIT, "a configuration");
        } catch (TextFile.Unreadable e) {
            throw new ConfigException(List.of(new ConfigError(displayName, e.problem().line(), "", e.problem().message())));
        }
        return ConfigReader.read(displayName, text, absolute, absolute.getParent(), System.getenv());
    }

    /**
     * Parses {@code yamlText} as if it were a file named {@code displayName} in {@code baseDir}; for
     * tests and for text that does not come from a file.
     *
     * @param displayName the name errors start with, e.g. {@code node1.yaml}
     * @param baseDir     the folder relative paths and {@code ${file:...}} are resolved against
     * @param env         stands in for the process environment when resolving {@code ${env:NAME}}
     * @throws ConfigException listing every problem
     */
    public static NodeConfig parse(String displayName, String yamlText, Path baseDir, Map<String, String> env)
            throws ConfigException {
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(yamlText, "yamlText");
        Objects.requireNonNull(env, "env");
        Path base = baseDir.toAbsolutePath().normalize();
        return ConfigReader.read(displayName, yamlText, base.resolve(fileName(displayName)), base, Map.copyOf(env));
    }

    /** The last element of a display name, so that the file's folder is always {@code baseDir}. */
    private static String fileName(String displayName) {
        try {
            Path name = Path.of(displayName).getFileName();
            if (name != null) {
                return name.toString();
            }
        } catch (InvalidPathException e) {
            // a label such as "<stdin>" on Windows: fall through to a neutral name
        }
        return "node.yaml";
    }

}
