package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;

/**
 * The node's HTTP API against clients that hold connections, over real sockets on loopback: a half
 * request is closed after console.read-timeout, an idle kept-alive connection after
 * console.idle-timeout, and connections beyond console.max-connections are closed unanswered while a
 * request within the cap is answered.
 */
class ApiLimitsTest {
    /** How long a socket read may block before the test gives up: far beyond every timeout configured here. */
    private static final int READ_LIMIT_MS = 30_000;

    @TempDir
    Path dir;

    private NodeRuntime node;
    private int apiPort;
    private tandem.config.Secret secret;

    /** A command-line token for one request, as tandem status and tandem command make them. */
    private String token() {
        return ApiAuth.mint(secret, "test", System.currentTimeMillis());
    }
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (node != null) {
            node.shutdown(10_000);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void start(String limits) throws IOException {
        Files.writeString(dir.resolve("cluster.secret"), "api-limits-test-secret-0123456789\n");
        apiPort = freePort();
        Path config = Files.writeString(dir.resolve("solo.yaml"), """
                node: {id: solo, profile: ms-failover, state-dir: state}
                cluster: {name: test, secret: "${file:cluster.secret}"}
                listen: {address: 127.0.0.1, port: %d}
                peer: {id: other, address: 127.0.0.1, port: %d}
                timings: {heartbeat-interval: 100ms, check-interval: 100ms, failover-timeout: 1s, rise: 2, fall: 2}
                console: {address: 127.0.0.1, port: %d, %s}
                replication: {port: %d, peer-port: %d}
                """.formatted(freePort(), freePort(), apiPort, limits, freePort(), freePort()));
        NodeConfig c = ConfigLoader.load(config);
        secret = c.cluster().secret();
        node = NodeRuntime.start(ClusterAwait.home(), c);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), apiPort), 5_000);
        s.setSoTimeout(READ_LIMIT_MS);
        return s;
    }

    private String request(boolean keepAlive) {
        return "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token() + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    /** One HTTP response's status line, its body read by Content-Length; null when the server closed first. */
    private static String readResponse(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
            }
        } catch (SocketException e) {
            return null; // reset by the server
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        in.readNBytes(length);
        return headers.substring(0, headers.indexOf("\r\n"));
    }

    /** True when the server closes the connection (end of stream or reset) before READ_LIMIT_MS. */
    private static boolean closedByServer(Socket s) throws IOException {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    /** The API answers once it is up; bounded. */
    private void awaitApi() throws IOException {
        long end = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), apiPort), 1_000);
                s.setSoTimeout(READ_LIMIT_MS);
                send(s, request(false));
                if ("HTTP/1.1 200 OK".equals(readResponse(s))) {
                    return;
                }
            } catch (IOException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("the API did not answer within 30 s");
            }
            LockSupport.parkNanos(100_000_000L);
        }
    }

    @Test
    void aHalfRequestIsClosedAfterTheReadTimeout() throws IOException {
        start("read-timeout: 1s, idle-timeout: 1h");
        awaitApi();

        Socket half = connect();
        send(half, "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        Socket silent = connect();

        assertThat(closedByServer(half)).as("a client that sent half a request is closed").isTrue();
        assertThat(closedByServer(silent)).as("a client that sent nothing is closed").isTrue();
        awaitApi();
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        start("read-timeout: 1m, idle-timeout: 1s");
        awaitApi();

        Socket s = connect();
        send(s, request(true));
        assertThat(readResponse(s)).isEqualTo("HTTP/1.1 200 OK");
        send(s, request(true));
        assertThat(readResponse(s)).as("the connection is kept alive between requests").isEqualTo("HTTP/1.1 200 OK");

        assertThat(closedByServer(s)).as("an idle kept-alive connection is closed").isTrue();
    }

    @Test
    void connectionsBeyondTheCapAreClosedUnansweredWhileOnesWithinItAreServed() throws IOException {
        start("read-timeout: 1m, idle-timeout: 1h, max-connections: 3");
        awaitApi();

        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket s = connect();
            send(s, request(true));
            assertThat(readResponse(s)).as("connection %d of 3", i + 1).isEqualTo("HTTP/1.1 200 OK");
            held.add(s);
        }

        Socket beyond = connect();
        send(beyond, request(true));
        assertThat(readResponse(beyond)).as("a fourth connection is closed unanswered").isNull();
        // those within the cap are still served
        send(held.get(0), request(true));
        assertThat(readResponse(held.get(0))).isEqualTo("HTTP/1.1 200 OK");

        held.get(2).close();
        awaitApi();
    }

    @Test
    void aBearerTokenWithSpacesAroundItIsRefused() throws IOException {
        start("read-timeout: 10s");
        awaitApi();

        Socket s = connect();
        send(s, "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer  " + token() + "\r\n\r\n");

        assertThat(readResponse(s)).isEqualTo("HTTP/1.1 401 Unauthorized");
    }
}
