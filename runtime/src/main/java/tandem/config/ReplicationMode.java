package tandem.config;

import java.util.Optional;

/** How the active node's data reaches the standby (MS-4, SBS-4). */
public enum ReplicationMode implements YamlNamed {
    /** Changes are shipped as they happen, with a full comparison every interval as a safety net (MS-4). */
    CONTINUOUS("continuous"),
    /** Changed files are collected and shipped once every interval (SBS-4). */
    PERIODIC("periodic");

    private final String yamlName;

    ReplicationMode(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    /** The constant spelled {@code yamlName} in a node file, if there is one. */
    public static Optional<ReplicationMode> of(String yamlName) {
        return YamlNamed.lookup(ReplicationMode.class, yamlName);
    }
}
