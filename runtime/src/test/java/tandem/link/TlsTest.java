package tandem.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;

/** TLS on top of the signed frames, with a self-signed key both nodes share (as a site would with its keystore). */
class TlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path keys;

    @TempDir
    Path dir;

    private static SSLContext tls;

    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void selfSignedKeystore() throws Exception {
        Path store = keys.resolve("peer.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "tandem", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=tandem-peer-link-test", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private PeerLink start(Nodes.Spec spec, Recorder rec, PeerLink.Options options) {
        PeerLink link = new PeerLink(spec.config(dir), rec, Clock.systemUTC(), options);
        open.add(link);
        link.start();
        return link;
    }

    private static Heartbeat hb(String node) {
        return new Heartbeat(node, NodeState.SECOND, DataState.UPTODATE, 3, false, 0, Clock.systemUTC().millis());
    }

    @Test
    void twoNodesTalkOverTls() {
        int[] ports = Nodes.freePortPairs(2);
        Recorder rec1 = new Recorder();
        Recorder rec2 = new Recorder();
        PeerLink node1 = start(new Nodes.Spec("node1", "node2", ports[0], ports[1]), rec1, PeerLink.Options.tls(tls));
        PeerLink node2 = start(new Nodes.Spec("node2", "node1", ports[1], ports[0]), rec2, PeerLink.Options.tls(tls));

        Await.until("heartbeats both ways over TLS", () -> rec1.beatFrom("node2", 3) && rec2.beatFrom("node1", 3), () -> {
            node1.send(hb("node1"));
            node2.send(hb("node2"));
        });
        assertThat(node1.stats().droppedTotal()).isZero();
        assertThat(node2.stats().droppedTotal()).isZero();
    }

    @Test
    void whatGoesOnTheWireIsTlsNotFrames() throws IOException {
        int[] ports = Nodes.freePortPairs(2);
        try (ServerSocket fakePeer = new ServerSocket(ports[1], 1, InetAddress.getLoopbackAddress())) {
            fakePeer.setSoTimeout((int) Await.LIMIT.toMillis());
            start(new Nodes.Spec("node1", "node2", ports[0], ports[1]), new Recorder(), PeerLink.Options.tls(tls));
            try (Socket s = fakePeer.accept()) {
                s.setSoTimeout((int) Await.LIMIT.toMillis());
                // 0x16: a TLS handshake record (the ClientHello), where a plain link starts with a length prefix
                assertThat(s.getInputStream().read()).isEqualTo(0x16);
            }
        }
    }

    @Test
    void aPlainNodeCannotTalkToATlsNode() {
        int[] ports = Nodes.freePortPairs(2);
        Recorder rec2 = new Recorder();
        PeerLink plain = start(new Nodes.Spec("node1", "node2", ports[0], ports[1]), new Recorder(), PeerLink.Options.plain());
        PeerLink secure = start(new Nodes.Spec("node2", "node1", ports[1], ports[0]), rec2, PeerLink.Options.tls(tls));

        Await.until("the plain frames to be refused", () -> secure.stats().dropped(DropReason.TLS) >= 1,
                () -> plain.send(hb("node1")));
        assertThat(rec2.beats).isEmpty();
        assertThat(secure.links().get(0).up()).isFalse();
    }
}
