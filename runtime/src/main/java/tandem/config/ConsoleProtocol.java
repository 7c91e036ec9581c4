package tandem.config;

import java.util.Optional;

/** Protocol the web console is served with (MS-8). */
public enum ConsoleProtocol implements YamlNamed {
    /** Plain HTTP. */
    HTTP("http"),
    /** HTTP over TLS. */
    HTTPS("https");

    private final String yamlName;

    ConsoleProtocol(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    /** The constant spelled {@code yamlName} in a node file, if there is one. */
    public static Optional<ConsoleProtocol> of(String yamlName) {
        return YamlNamed.lookup(ConsoleProtocol.class, yamlName);
    }
}
