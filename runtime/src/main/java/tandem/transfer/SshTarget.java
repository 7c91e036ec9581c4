package tandem.transfer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and how to log in on a node's SSH server (RED-6): an ordinary OpenSSH {@code sshd} on the
 * node's static IPv4, a user ({@code root} by default) with either a password or a private key file
 * (ed25519 or rsa in OpenSSH format, without a passphrase), and the known_hosts file (OpenSSH's
 * format) that the server's host key is checked against. {@code timeout} bounds the connection, the
 * key exchange and the login, each.
 *
 * @param host       the server's IPv4 address, dotted quad
 * @param port       the SSH port, 1..65535 (22 by default)
 * @param user       the login name ({@code root} by default)
 * @param password   the password, or {@code null} when a key is used
 * @param privateKey the private key file, or {@code null} when a password is used
 * @param knownHosts the known_hosts file the host key must be in (need not exist yet: then every
 *                   key is unknown)
 * @param timeout    connect, key exchange and login timeout, each
 */
public record SshTarget(String host, int port, String user, String password, Path privateKey, Path knownHosts,
        Duration timeout) {
    public static final int DEFAULT_PORT = 22;
    public static final String DEFAULT_USER = "root";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern IPV4 = Pattern
            .compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    public SshTarget {
        if (host == null || !IPV4.matcher(host).matches()) {
            throw new IllegalArgumentException("ssh host: '" + host + "' is not an IPv4 address (like 192.168.1.20)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("ssh port: " + port + " is not a port (1..65535)");
        }
        if (user == null || user.isBlank() || user.chars().anyMatch(c -> c <= ' ' || c == '@')) {
            throw new IllegalArgumentException("ssh user: '" + user + "' is not a login name");
        }
        boolean hasPassword = password != null;
        boolean hasKey = privateKey != null;
        if (hasPassword == hasKey) {
            throw new IllegalArgumentException("ssh login for " + user + "@" + host + ":" + port
                    + ": give exactly one of a password or a private key file, " + (hasKey ? "not both" : "none given"));
        }
        if (hasPassword && password.isEmpty()) {
            throw new IllegalArgumentException("ssh password for " + user + "@" + host + ":" + port + " is empty");
        }
        Objects.requireNonNull(knownHosts, "ssh known_hosts file");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("ssh timeout: " + timeout + " must be positive");
        }
    }

    /** {@code root} on port 22 with a password, the default timeout. */
    public static SshTarget ofPassword(String host, String password, Path knownHosts) {
        return new SshTarget(host, DEFAULT_PORT, DEFAULT_USER, password, null, knownHosts, DEFAULT_TIMEOUT);
    }

    /** {@code root} on port 22 with a private key file, the default timeout. */
    public static SshTarget ofKey(String host, Path privateKey, Path knownHosts) {
        return new SshTarget(host, DEFAULT_PORT, DEFAULT_USER, null, privateKey, knownHosts, DEFAULT_TIMEOUT);
    }

    public SshTarget withPort(int newPort) {
        return new SshTarget(host, newPort, user, password, privateKey, knownHosts, timeout);
    }

    public SshTarget withUser(String newUser) {
        return new SshTarget(host, port, newUser, password, privateKey, knownHosts, timeout);
    }

    public SshTarget withTimeout(Duration newTimeout) {
        return new SshTarget(host, port, user, password, privateKey, knownHosts, newTimeout);
    }

    /** {@code host:port}, as error messages name the server. */
    public String address() {
        return host + ":" + port;
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return user + "@" + address() + (password != null ? " (password)" : " (key " + privateKey + ")")
                + ", known hosts " + knownHosts;
    }
}
