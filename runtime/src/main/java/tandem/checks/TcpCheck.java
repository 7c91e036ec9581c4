package tandem.checks;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import tandem.config.Durations;
import tandem.facts.ProbeResult;

/**
 * {@code tcp} (and the witness with a port): a TCP connection to host:port opens within the timeout
 * (the check interval, at most 2 s). The connection is closed at once; nothing is sent. Bounded by
 * the timeout plus the name lookup (use addresses to avoid DNS).
 */
public final class TcpCheck implements Check {

    private final String resource;
    private final String host;
    private final int port;
    private final Duration timeout;

    public TcpCheck(String resource, String host, int port, Duration timeout) {
        this.resource = Objects.requireNonNull(resource, "resource");
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** A checker target {@code host:port} or {@code [v6addr]:port}; a malformed one always probes as failed. */
    static Check of(String resource, String target, Duration timeout) {
        int colon = target.lastIndexOf(':');
        if (colon > 0) {
            String host = target.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                int port = Integer.parseInt(target.substring(colon + 1));
                if (port > 0 && port <= 65535) {
                    return new TcpCheck(resource, host, port, timeout);
                }
            } catch (NumberFormatException e) {
                // falls through to the failing check below
            }
        }
        return new BrokenCheck(resource, "target \"" + target + "\" is not host:port");
    }

    @Override
    public String resource() {
        return resource;
    }

    @Override
    public ProbeResult probe(long now) {
        String where = host + ":" + port;
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            return new ProbeResult(resource, false, where + ": unknown host", now);
        }
        try (Socket s = new Socket()) {
            s.connect(address, (int) Math.max(1, timeout.toMillis()));
            return new ProbeResult(resource, true, where + ": connected", now);
        } catch (SocketTimeoutException e) {
            return new ProbeResult(resource, false, where + ": no answer within " + Durations.format(timeout), now);
        } catch (ConnectException e) {
            return new ProbeResult(resource, false, where + ": " + reason(e, "connection refused"), now);
        } catch (UnknownHostException e) {
            return new ProbeResult(resource, false, where + ": unknown host", now);
        } catch (IOException e) {
            return new ProbeResult(resource, false, where + ": " + reason(e, e.getClass().getSimpleName()), now);
        }
    }

    private static String reason(IOException e, String fallback) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return fallback;
        }
        // "Connection refused" is what the JDK says on every platform; keep the OS's text otherwise
        return m.toLowerCase(java.util.Locale.ROOT).startsWith("connection refused") ? "connection refused" : m;
    }
}
