package tandem.config;

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
 */
public record Console(boolean enabled, String address, int port, ConsoleProtocol protocol, String user,
        Optional<Secret> passwordHash) {
    public Console {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(passwordHash, "passwordHash");
    }
}
