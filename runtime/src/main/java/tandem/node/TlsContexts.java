package tandem.node;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import tandem.TandemException;
import tandem.config.NodeConfig;
import tandem.config.PeerTls;

/** The SSLContext of the peer link's TLS option ({@code peer.tls}): one PKCS#12 keystore for key and trust. */
public final class TlsContexts {
    private TlsContexts() {
    }

    public static SSLContext of(NodeConfig c, PeerTls tls) {
        char[] password = tls.password().reveal().toCharArray();
        try (InputStream in = Files.newInputStream(tls.keystore())) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new TandemException(c.file() + ": peer.tls.keystore: cannot use " + tls.keystore() + " as a PKCS#12"
                    + " keystore with the given password: " + e.getMessage(), e);
        }
    }
}
