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
 */
public record Peer(String id, String address, int port, Optional<Endpoint> secondLink) {
    public Peer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(secondLink, "secondLink");
    }
}
