package tandem.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * YAML {@code node:}: who this node is.
 *
 * @param id        required; {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,62}}; names this node to the peer, in
 *                  logs and in the console
 * @param profile   required; {@code ms-failover}, {@code sbs} or {@code redundancy}; selects the rule and
 *                  route sets and the defaults in {@link ProfileDefaults}
 * @param priority  0..1000, default 0; breaks the tie when both nodes claim the active role at the
 *                  same moment (SBS-11): the higher priority keeps it
 * @param stateDir  YAML {@code state-dir}, default {@code state/<id>}; where the node keeps its state
 *                  and logs; relative paths are resolved against the config file's folder, so this is
 *                  always absolute
 * @param bootStart YAML {@code boot-start}, default true; whether the service starts at boot (MS-8,
 *                  GEN-2)
 * @param role      YAML {@code role}, sbs only, default {@code symmetric}: {@code primary-only} or
 *                  {@code backup-only} (SBS-3)
 * @param backupLicense YAML {@code backup-license}, sbs only, default false: this node holds the backup
 *                  license, so it starts the managed services only after a real takeover (SBS-12)
 */
public record Node(String id, Profile profile, int priority, Path stateDir, boolean bootStart, Role role,
        boolean backupLicense) {
    public Node {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(role, "role");
    }

    /** A node with the default role and no backup license. */
    public Node(String id, Profile profile, int priority, Path stateDir, boolean bootStart) {
        this(id, profile, priority, stateDir, bootStart, Role.SYMMETRIC, false);
    }
}
