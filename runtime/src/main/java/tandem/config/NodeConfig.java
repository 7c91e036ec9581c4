package tandem.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One node's configuration ({@code node1.yaml}), validated and with every default applied. Built by
 * {@link ConfigLoader}; immutable.
 *
 * @param file        the absolute path of the file it was read from; {@link #baseDir()} is its folder
 * @param node        YAML {@code node:}, required
 * @param cluster     YAML {@code cluster:}, required
 * @param listen      YAML {@code listen:}; default {@code 0.0.0.0} on the profile's port
 * @param peer        YAML {@code peer:}, required
 * @param witness     YAML {@code witness:}, optional
 * @param timings     YAML {@code timings:}; defaults per profile
 * @param checkers    YAML {@code checkers:}, default empty; resource names unique
 * @param services    YAML {@code services:}, default empty; started in list order, stopped in reverse
 * @param vip         YAML {@code vip:}, optional (MS-6)
 * @param replication YAML {@code replication:}; defaults per profile
 * @param mail        YAML {@code mail:}, optional (SBS-8)
 * @param console     YAML {@code console:}; enabled on port 9010 by default (MS-8)
 * @param extensions  YAML {@code extensions:}; default no extra folders
 * @param fencing     YAML {@code fencing:}, optional: how the peer is fenced before a takeover
 * @param rules       YAML {@code rules:}; the engine's limits on the rules (the loop guard), defaults applied
 * @param redundancy  YAML {@code redundancy:}: present exactly for {@code node.profile: redundancy}, which
 *                    requires it (RED-1..RED-12)
 */
public record NodeConfig(Path file, Node node, Cluster cluster, Endpoint listen, Peer peer, Optional<Witness> witness,
        Timings timings, List<Checker> checkers, List<Service> services, Optional<Vip> vip, Replication replication,
        Optional<Mail> mail, Console console, Extensions extensions,
        Optional<Fencing> fencing, Rules rules, Optional<Redundancy> redundancy) {
    public NodeConfig {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(witness, "witness");
        Objects.requireNonNull(timings, "timings");
        checkers = List.copyOf(checkers);
        services = List.copyOf(services);
        Objects.requireNonNull(vip, "vip");
        Objects.requireNonNull(replication, "replication");
        Objects.requireNonNull(mail, "mail");
        Objects.requireNonNull(console, "console");
        Objects.requireNonNull(extensions, "extensions");
        Objects.requireNonNull(fencing, "fencing");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(redundancy, "redundancy");
    }


    /** This node's sync channel port: {@code replication.port}, else {@code listen.port + 2}. */
    public int syncPort() {
        return replication.port().orElse(listen.port() + 2);
    }

    /** The peer's sync channel port: {@code replication.peer-port}, else {@code peer.port + 2}. */
    public int peerSyncPort() {
        return replication.peerPort().orElse(peer.port() + 2);
    }

    /** The folder relative paths in the file were resolved against: the file's own folder. */
    public Path baseDir() {
        Path parent = file.getParent();
        return parent != null ? parent : file.toAbsolutePath().getParent();
    }
}
