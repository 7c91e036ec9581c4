package tandem.config;

import java.util.List;
import java.util.stream.Collectors;
import tandem.TandemException;

/**
 * A node file that cannot be used. Carries every error found, not just the first, so a site
 * engineer fixes the file in one pass (Patroni's validator.py, GEN-4).
 */
public final class ConfigException extends TandemException {
    private static final long serialVersionUID = 1L;

    private final List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(render(errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    /** The errors in file order; never empty. */
    public List<ConfigError> errors() {
        return errors;
    }

    private static String render(List<ConfigError> errors) {
        return errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n"));
    }
}
