package tandem.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * YAML {@code console:}: the web console (MS-8).
 *
 * @param enabled      default true
 * @param address      default {@code 0.0.0.0}; the address the console binds to; an IPv4/IPv6
 *                     literal or host name
 * @param port         1..65535, default 9010 (MS-8); must differ from {@code listen.port} when both bind
 *                     the same address
 * @param protocol     {@code http} or {@code https}; default http
 * @param user         default {@code admin} (MS-8)
 * @param passwordHash YAML {@code password-hash}, optional; the hash of the console password, identical
 *                     on both nodes (MS-9); a literal, {@code ${env:NAME}} or {@code ${file:PATH}}
 * @param readTimeout    YAML {@code read-timeout}, default 10s: a client has this long to send a whole
 *                       request (from its first byte, or from connecting), else it is closed
 * @param idleTimeout    YAML {@code idle-timeout}, default 60s: a kept-alive connection without a request
 *                       for this long is closed
 * @param maxConnections YAML {@code max-connections}, default 32: API connections open at once; one more
 *                       is closed as soon as it is accepted
 */
public record Console(boolean enabled, String address, int port, ConsoleProtocol protocol, String user,
        Optional<Secret> passwordHash, Duration readTimeout, Duration idleTimeout, int maxConnections) {
    public Console {
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(passwordHash, "passwordHash");
    }
}
