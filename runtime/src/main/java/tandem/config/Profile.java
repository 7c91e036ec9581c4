package tandem.config;

import java.util.Optional;

/**
 * The product a node imitates (MISSION.md, "Requirements by profile"). The runtime loads
 * {@code rules/common} + {@code rules/<yamlName>} and the same for routes (DESIGN.md).
 */
public enum Profile implements YamlNamed {
    /** Automatic failover with a virtual IP and continuous replication (MS-*). */
    MS_FAILOVER("ms-failover"),
    /** Symmetric primary/secondary election over TCP with periodic file sync (SBS-*). */
    SBS("sbs"),
    /** Warm standby fed by scheduled backups, manual switchover (RED-*). */
    REDUNDANCY("redundancy");

    private final String yamlName;

    Profile(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    /** The profile spelled {@code yamlName} in a node file, if there is one. */
    public static Optional<Profile> of(String yamlName) {
        return YamlNamed.lookup(Profile.class, yamlName);
    }
}
