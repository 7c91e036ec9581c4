package tandem.config;

import java.util.Objects;
import java.util.Optional;

/**
 * YAML {@code peer:}: the other node of the pair.
 *
 * @param id         required; same pattern as {@code node.id} and different from it
 * @param address    required; the peer's IPv4/IPv6 literal or host name (SBS-1: no peer address, no
 *                   start)
 * @param port       1..65535, default the profile's port ({@link ProfileDefaults#port()}), i.e. what
 *                   the peer listens on when its {@code listen.port} is not set either
 * @param secondLink YAML {@code second-link:}, optional; a second heartbeat path (another network)
 *                   so one cut cable is not mistaken for a dead peer; its port defaults to
 *                   {@code port}
 * @param consolePort YAML {@code console-port}, optional; the port of the peer's web console and HTTP
 *                   API, where {@code tandem status} asks for the peer's resources and events;
 *                   default this node's own {@code console.port} (the manual's 9010 on both nodes)
 * @param tls        YAML {@code tls:}, optional; the peer link inside mutual TLS ({@link PeerTls})
 */
public record Peer(String id, String address, int port, Optional<Endpoint> secondLink, Optional<Integer> consolePort,
                   Optional<PeerTls> tls) {
    public Peer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(secondLink, "secondLink");
        Objects.requireNonNull(consolePort, "consolePort");
        Objects.requireNonNull(tls, "tls");
    }

    public Peer(String id, String address, int port, Optional<Endpoint> secondLink) {
        this(id, address, port, secondLink, Optional.empty(), Optional.empty());
    }
}
