package tandem.config;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Runs the loader on text that must fail and returns its errors as the user sees them. */
final class Errors {
    private Errors() {
    }

    static List<String> of(String yaml) {
        return of(yaml, Map.of());
    }

    static List<String> of(String yaml, Map<String, String> env) {
        return of(yaml, Path.of("."), env);
    }

    static List<String> of(String yaml, Path baseDir, Map<String, String> env) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse("node1.yaml", yaml, baseDir, env));
        if (e == null) {
            throw new AssertionError("expected a ConfigException for:\n" + yaml);
        }
        return e.errors().stream().map(ConfigError::toString).toList();
    }
}
