package tandem.config;

import java.util.Objects;

/**
 * An address and TCP port: YAML {@code listen:} (this node's peer-link endpoint) and
 * {@code peer.second-link:}.
 *
 * @param address an IPv4 or IPv6 literal or a host name; {@code listen.address} defaults to
 *                {@code 0.0.0.0} (all interfaces), {@code second-link.address} is required
 * @param port    1..65535; {@code listen.port} defaults to the profile's port
 *                ({@link ProfileDefaults#port()}), {@code second-link.port} to {@code peer.port}
 */
public record Endpoint(String address, int port) {
    public Endpoint {
        Objects.requireNonNull(address, "address");
    }
}
