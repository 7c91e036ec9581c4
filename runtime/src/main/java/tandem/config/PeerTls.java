package tandem.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * YAML {@code peer.tls:}, optional: the peer link runs inside TLS (mutual: each node presents its
 * certificate and accepts only certificates its keystore trusts). One PKCS#12 keystore per node holds
 * its own key and certificate and, as trusted entries, the peer's certificate or the CA that signed
 * both. Without it the link is plain TCP; every frame is HMAC-signed either way.
 *
 * @param keystore required; PKCS#12 file, relative to the node file's folder
 * @param password required; the keystore's password (a Secret: {@code ${env:..}} or {@code ${file:..}})
 */
public record PeerTls(Path keystore, Secret password) {
    public PeerTls {
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(password, "password");
    }
}
