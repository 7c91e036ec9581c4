package tandem.config;

import java.util.Optional;

/** YAML {@code redundancy.role}: which side of the warm-standby pair this node is (RED-1). */
public enum RedundancyRole implements YamlNamed {
    /** The appliance in service: creates the backups on the schedule and pushes them to the standby. */
    ACTIVE("active"),
    /**
     * The warm standby: receives and imports the active's backups, keeps its services stopped (RED-8)
     * and takes over only when an admin switches over (RED-9).
     */
    STANDBY("standby");

    private final String yamlName;

    RedundancyRole(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    /** The constant spelled {@code yamlName} in a node file, if there is one. */
    public static Optional<RedundancyRole> of(String yamlName) {
        return YamlNamed.lookup(RedundancyRole.class, yamlName);
    }
}
