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
 * @param protocol     {@code http} or {@code https}; default https, except on a loopback address (127.x,
 *                     {@code ::1}, {@code localhost}), where nobody but this machine can listen in
 * @param keystore     YAML {@code keystore}, optional: the site's PKCS#12 keystore with the console's key
 *                     and certificate (HTTPS); without one the node makes a self-signed certificate in its
 *                     state folder at its first start
 * @param user         default {@code admin} (MS-8)
 * @param passwordHash YAML {@code password-hash}, optional; the hash of the console password, identical
 *                     on both nodes (MS-9); a literal, {@code ${env:NAME}} or {@code ${file:PATH}}
 * @param readTimeout    YAML {@code read-timeout}, default 10s: a client has this long to send a whole
 *                       request (from its first byte, or from connecting), else it is closed
 * @param idleTimeout    YAML {@code idle-timeout}, default 60s: a kept-alive connection without a request
 *                       for this long is closed
 * @param maxConnections YAML {@code max-connections}, default 32: API connections open at once; one more
 *                       is closed as soon as it is accepted
 * @param keystorePassword YAML {@code keystore-password}: the keystore's password; required with {@code keystore}
 * @param hawtioPort     YAML {@code hawtio-port}, optional (GEN-3): the port of Hawtio, served by the node on
 *                       {@code address} with the console's protocol and login; absent, no Hawtio (it costs
 *                       memory and start time, see README); must differ from {@code port} and {@code listen.port}
 *                       when they share an address
 */
public record Console(boolean enabled, String address, int port, ConsoleProtocol protocol, String user,
        Optional<Secret> passwordHash, Duration readTimeout, Duration idleTimeout, int maxConnections, Optional<java.nio.file.Path> keystore,
        Optional<Secret> keystorePassword, Optional<Integer> hawtioPort) {
    /** Without a keystore of the site's. */
    public Console(boolean enabled, String address, int port, ConsoleProtocol protocol, String user,
            Optional<Secret> passwordHash, Duration readTimeout, Duration idleTimeout, int maxConnections) {
        this(enabled, address, port, protocol, user, passwordHash, readTimeout, idleTimeout, maxConnections,
                Optional.empty(), Optional.empty());
    }

    /** Without Hawtio. */
    public Console(boolean enabled, String address, int port, ConsoleProtocol protocol, String user,
            Optional<Secret> passwordHash, Duration readTimeout, Duration idleTimeout, int maxConnections,
            Optional<java.nio.file.Path> keystore, Optional<Secret> keystorePassword) {
        this(enabled, address, port, protocol, user, passwordHash, readTimeout, idleTimeout, maxConnections,
                keystore, keystorePassword, Optional.empty());
    }

    public Console {
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(hawtioPort, "hawtioPort");
        Objects.requireNonNull(keystorePassword, "keystorePassword");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(passwordHash, "passwordHash");
    }
}
