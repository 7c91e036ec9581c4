package tandem.link;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;

/** Node files for link tests: two nodes on 127.0.0.1, each on a free port (and the port above it). */
final class Nodes {
    static final String SECRET = "link-test-secret-0123456789";

    private Nodes() {
    }

    /** A node file; change fields before {@link #config}. */
    static final class Spec {
        String id = "node1";
        String peerId = "node2";
        int listen;
        int peer;
        Integer secondLink;
        String vip = "192.168.178.249/24";
        String secret = SECRET;
        String heartbeat = "100ms";
        String consoleProtocol = "http";
        String license;

        Spec(String id, String peerId, int listen, int peer) {
            this.id = id;
            this.peerId = peerId;
            this.listen = listen;
            this.peer = peer;
        }

        Spec vip(String v) {
            vip = v;
            return this;
        }

        Spec secondLink(int port) {
            secondLink = port;
            return this;
        }

        Spec peer(int port) {
            peer = port;
            return this;
        }

        Spec console(String protocol) {
            consoleProtocol = protocol;
            return this;
        }

        String yaml() {
            return """
                    node:
                      id: %s
                      profile: ms-failover
                    cluster:
                      name: cluster1
                      secret: %s%s
                    listen:
                      address: 127.0.0.1
                      port: %d
                    peer:
                      id: %s
                      address: 127.0.0.1
                      port: %d
                    %s
                    timings:
                      heartbeat-interval: %s
                      check-interval: 1s
                      failover-timeout: 30s
                      rise: 2
                      fall: 3
                    %s
                    console:
                      protocol: %s
                    """.formatted(id, secret, license == null ? "" : "\n  license: " + license, listen, peerId, peer,
                    secondLink == null ? "" : "  second-link: {address: 127.0.0.1, port: " + secondLink + "}",
                    heartbeat,
                    vip == null ? "" : "vip:\n  address: " + vip + "\n  interface: eth0", consoleProtocol);
        }

        NodeConfig config(Path dir) {
            try {
                Path d = Files.createDirectories(dir.resolve(id));
                return ConfigLoader.parse(id + ".yaml", yaml(), d, Map.of());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * {@code n} ports such that each and the one above it are free on 127.0.0.1 right now, and no two
     * pairs overlap.
     */
    static int[] freePortPairs(int n) {
        int[] out = new int[n];
        Set<Integer> taken = new HashSet<>();
        int found = 0;
        for (int attempt = 0; attempt < 200 && found < n; attempt++) {
            int p = freePort();
            if (p >= 65535 || taken.contains(p) || taken.contains(p + 1) || !isFree(p + 1)) {
                continue;
            }
            taken.add(p);
            taken.add(p + 1);
            out[found++] = p;
        }
        if (found < n) {
            throw new IllegalStateException("no free port pairs on 127.0.0.1");
        }
        return out;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
