package tandem.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every error of one file; the loader throws them together at the end (Patroni's validator.py). */
final class Problems {
    private final String file;
    private final List<ConfigError> errors = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    /** The file as the user named it. */
    String file() {
        return file;
    }

    void add(int line, String path, String message) {
        errors.add(new ConfigError(file, line, path, message));
    }

    int count() {
        return errors.size();
    }

    /** Throws every error so far, in file order (errors without a line last), if there is any. */
    void throwIfAny() {
        if (!errors.isEmpty()) {
            List<ConfigError> sorted = new ArrayList<>(errors);
            sorted.sort(Comparator.comparingInt((ConfigError e) -> e.line() > 0 ? e.line() : Integer.MAX_VALUE));
            throw new ConfigException(sorted);
        }
    }
}
