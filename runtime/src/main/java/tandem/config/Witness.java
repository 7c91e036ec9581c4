package tandem.config;

import java.util.Objects;

/**
 * YAML {@code witness:}, optional: a third address both nodes can reach. A node that loses the peer
 * but still reaches the witness knows the peer (not its own network) is gone; one that reaches
 * neither must not take over.
 *
 * @param address required when the section is present; an IPv4/IPv6 literal or host name
 * @param port    0..65535, default 0; 0 probes with ICMP echo, anything else with a TCP connect
 */
public record Witness(String address, int port) {
    public Witness {
        Objects.requireNonNull(address, "address");
    }

    /** The resource name its checker reports under: {@code ping.witness} or {@code tcp.witness}. */
    public String resource() {
        return port == 0 ? "ping.witness" : "tcp.witness";
    }
}
