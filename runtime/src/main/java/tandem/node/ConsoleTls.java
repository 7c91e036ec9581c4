package tandem.node;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.TandemException;
import tandem.config.ConsoleProtocol;
import tandem.config.NodeConfig;

/**
 * The console's HTTPS (MS-8): the site's PKCS#12 keystore ({@code console.keystore} and
 * {@code console.keystore-password}), or, without one, a certificate the node makes for itself at its first
 * start and keeps in its state folder ({@code console.p12}, its password beside it in
 * {@code console.p12.password}, both readable by the node's user only). The self-made certificate names
 * the console's address, the peer link's address, {@code localhost} and {@code 127.0.0.1}; a browser warns
 * about it once, and its SHA-256 fingerprint is logged so that an operator can compare it with the one the
 * browser shows. It is made by the JDK's {@code keytool}, an elliptic-curve key (P-256), valid 825 days.
 *
 * <p>The same keystore is what the node and the command line trust when they call an API over HTTPS: this
 * node's (from {@code tandem status} on the same machine) and the peer's, which is trusted only when it
 * presents a certificate of this keystore, so a pair that wants each console to show the other node uses
 * one keystore on both nodes (or one whose certificates are signed by a CA in it).
 */
public final class ConsoleTls {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleTls.class);
    /** The self-made keystore's file in the state folder. */
    public static final String SELF_MADE = "console.p12";
    private static final String ALIAS = "tandem-console";

    private final KeyStore keystore;
    private final char[] password;
    private final String source;

    private ConsoleTls(KeyStore keystore, char[] password, String source) {
        this.keystore = keystore;
        this.password = password;
        this.source = source;
    }

    /**
     * The console's TLS when {@code console.protocol} is https: the site's keystore, or the self-made one,
     * made now when it does not exist yet ({@code make}; the command line never makes one). Empty for http.
     */
    public static Optional<ConsoleTls> of(NodeConfig c, boolean make) {
        if (c.console().protocol() != ConsoleProtocol.HTTPS) {
            return Optional.empty();
        }
        if (c.console().keystore().isPresent()) {
            Path file = c.console().keystore().get();
            char[] pw = c.console().keystorePassword().orElseThrow().reveal().toCharArray();
            return Optional.of(new ConsoleTls(load(c, file, pw, "console.keystore"), pw, file.toString()));
        }
        Path file = c.node().stateDir().resolve(SELF_MADE);
        Path pwFile = c.node().stateDir().resolve(SELF_MADE + ".password");
        if (!Files.isRegularFile(file) || !Files.isRegularFile(pwFile)) {
            if (!make) {
                throw new TandemException(c.file() + ": console.protocol is https and the node has not made its"
                        + " certificate yet (" + file + "): start the node once, or give console.keystore");
            }
            selfMake(c, file, pwFile);
        }
        char[] pw;
        try {
            pw = Files.readString(pwFile, StandardCharsets.UTF_8).strip().toCharArray();
        } catch (IOException e) {
            throw new TandemException(pwFile + ": cannot read the console keystore's password: " + e.getMessage(), e);
        }
        return Optional.of(new ConsoleTls(load(c, file, pw, "the console's self-made keystore"), pw, file.toString()));
    }

    private static KeyStore load(NodeConfig c, Path file, char[] pw, String what) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, pw);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new TandemException(c.file() + ": " + what + ": cannot use " + file + " as a PKCS#12 keystore with"
                    + " the given password: " + e.getMessage(), e);
        }
    }

    /** keytool, from the JDK this node runs on, into a new file renamed into place only when whole. */
    private static void selfMake(NodeConfig c, Path file, Path pwFile) {
        Set<String> names = new LinkedHashSet<>();
        names.add("dns:localhost");
        names.add("ip:127.0.0.1");
        for (String a : List.of(c.console().address(), c.listen().address())) {
            if (a.equals("0.0.0.0") || a.equals("::")) {
                continue;
            }
            names.add((a.matches("[0-9.]+") || a.contains(":") ? "ip:" : "dns:") + a);
        }
        byte[] raw = new byte[24];
        new SecureRandom().nextBytes(raw);
        String pw = HexFormat.of().formatHex(raw);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(tmp);
            List<String> cmd = new ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                    "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "825",
                    "-dname", "CN=" + c.node().id() + ", OU=Tandem console", "-ext", "SAN=" + String.join(",", names),
                    "-keystore", tmp.toString(), "-storetype", "PKCS12", "-storepass:env", "TANDEM_KS_PW",
                    "-keypass:env", "TANDEM_KS_PW", "-noprompt"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("TANDEM_KS_PW", pw);
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new TandemException("cannot make the console's certificate with " + keytool + ": " + out.strip());
            }
            tandem.AtomicFiles.write(pwFile, (pw + "\n").getBytes(StandardCharsets.UTF_8),
                    PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            tandem.AtomicFiles.fsyncDirectory(file.getParent());
        } catch (IOException e) {
            throw new TandemException("cannot make the console's certificate in " + file.getParent() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TandemException("interrupted while making the console's certificate", e);
        }
        LOG.info("console: made a self-signed certificate for {} in {} (give console.keystore for the site's own)",
                names, file);
    }

    /** The server side: this keystore's key and certificate. */
    public SSLContext serverContext() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keystore, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new TandemException(source + ": the console's key cannot be used: " + e.getMessage(), e);
        }
    }

    /** A client that trusts this keystore's certificates (and those they signed), and nothing else. */
    public SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (String alias : Collections.list(keystore.aliases())) {
                Certificate[] chain = keystore.getCertificateChain(alias);
                if (chain != null) {
                    for (int i = 0; i < chain.length; i++) {
                        trust.setCertificateEntry(alias + "-" + i, chain[i]);
                    }
                } else if (keystore.getCertificate(alias) != null) {
                    trust.setCertificateEntry(alias, keystore.getCertificate(alias));
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new TandemException(source + ": cannot trust the console's certificates: " + e.getMessage(), e);
        }
    }

    /** The SHA-256 fingerprint of the console's certificate, as browsers show it (AB:CD:...). */
    public String fingerprint() {
        try {
            for (String alias : Collections.list(keystore.aliases())) {
                if (keystore.isKeyEntry(alias) && keystore.getCertificate(alias) instanceof X509Certificate x) {
                    byte[] d = MessageDigest.getInstance("SHA-256").digest(x.getEncoded());
                    return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
                }
            }
            return "none";
        } catch (GeneralSecurityException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** Where the key comes from: the site's keystore or the self-made one. */
    public String source() {
        return source;
    }
}
