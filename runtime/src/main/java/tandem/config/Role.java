package tandem.config;

import java.util.Optional;

/**
 * YAML {@code node.role} (sbs only, SBS-3): which role a node may take by itself.
 */
public enum Role implements YamlNamed {
    /** The first node up is primary, the other secondary (the default). */
    SYMMETRIC("symmetric"),
    /**
     * The main server: starts as primary without waiting to hear the peer, and takes the role back from
     * a backup-only peer that took over, once it holds that peer's data.
     */
    PRIMARY_ONLY("primary-only"),
    /**
     * The backup server: never becomes primary at start, only by a takeover from a primary it was
     * secondary of, and hands the role back to a primary-only peer.
     */
    BACKUP_ONLY("backup-only");

    private final String yamlName;

    Role(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    /** The constant spelled {@code yamlName} in a node file, if there is one. */
    public static Optional<Role> of(String yamlName) {
        return YamlNamed.lookup(Role.class, yamlName);
    }
}
