package tandem.config;

import java.util.Optional;

/** When a checker runs: only on the node holding the active role, or on both nodes. */
public enum When implements YamlNamed {
    /** Only on the active node: the resource exists only there (a managed service, the VIP). */
    ACTIVE("active"),
    /** On both nodes, whatever their role (links, interfaces, custom commands). */
    ALWAYS("always");

    private final String yamlName;

    When(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    /** The constant spelled {@code yamlName} in a node file, if there is one. */
    public static Optional<When> of(String yamlName) {
        return YamlNamed.lookup(When.class, yamlName);
    }
}
