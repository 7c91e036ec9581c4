package tandem.config;

import java.util.Optional;

/**
 * The product a node imitates (MISSION.md, "Requirements by profile"). Which rule and route folders
 * a node loads, and its transition table, are in the profile's descriptor
 * {@code profiles/<yamlName>.yaml} ({@code tandem.engine.ProfileSpec}); a profile without one is refused.
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
