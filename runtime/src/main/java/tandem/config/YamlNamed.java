package tandem.config;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** An enum constant spelled in the YAML by a kebab-case name rather than its Java name. */
interface YamlNamed {
    /** The spelling used in the YAML file, e.g. {@code ms-failover}. */
    String yamlName();

    static <E extends Enum<E> & YamlNamed> Optional<E> lookup(Class<E> type, String yamlName) {
        return Arrays.stream(type.getEnumConstants())
                .filter(e -> e.yamlName().equals(yamlName))
                .findFirst();
    }

    /** The allowed spellings, comma separated, for error messages. */
    static <E extends Enum<E> & YamlNamed> String allowed(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(YamlNamed::yamlName).collect(Collectors.joining(", "));
    }
}
