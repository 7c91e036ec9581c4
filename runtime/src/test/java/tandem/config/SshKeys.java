package tandem.config;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;

/**
 * Private key files in OpenSSH's format ({@code openssh-key-v1}, as {@code ssh-keygen} writes them),
 * made with the JDK's own Ed25519 so the tests need neither ssh-keygen nor a key in the repository.
 */
final class SshKeys {
    private SshKeys() {
    }

    /** An unencrypted ed25519 key, as {@code ssh-keygen -t ed25519 -N ''} writes it. */
    static Path ed25519(Path file) throws IOException {
        return write(file, "ssh-ed25519", "none");
    }

    /**
     * A key of {@code type} whose file says it is encrypted with {@code cipher} ("none" for none);
     * for types other than ed25519 the key material is random bytes, enough for a check of the form.
     */
    static Path write(Path file, String type, String cipher) throws IOException {
        byte[] pub;
        byte[] priv;
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] x509 = pair.getPublic().getEncoded();
            pub = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
            byte[] pkcs8 = pair.getPrivate().getEncoded();
            byte[] seed = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
            priv = new byte[64];
            System.arraycopy(seed, 0, priv, 0, 32);
            System.arraycopy(pub, 0, priv, 32, 32);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        ByteArrayOutputStream publicBlob = new ByteArrayOutputStream();
        DataOutputStream p = new DataOutputStream(publicBlob);
        string(p, type.getBytes(StandardCharsets.US_ASCII));
        string(p, pub);

        ByteArrayOutputStream privateBlob = new ByteArrayOutputStream();
        DataOutputStream s = new DataOutputStream(privateBlob);
        s.writeInt(0x5eed1234);
        s.writeInt(0x5eed1234);
        string(s, type.getBytes(StandardCharsets.US_ASCII));
        string(s, pub);
        string(s, priv);
        string(s, "test@tandem".getBytes(StandardCharsets.US_ASCII));
        for (int pad = 1; privateBlob.size() % 8 != 0; pad++) {
            s.writeByte(pad);
        }

        ByteArrayOutputStream all = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(all);
        o.write("openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII));
        string(o, cipher.getBytes(StandardCharsets.US_ASCII));
        string(o, (cipher.equals("none") ? "none" : "bcrypt").getBytes(StandardCharsets.US_ASCII));
        string(o, new byte[0]);
        o.writeInt(1);
        string(o, publicBlob.toByteArray());
        string(o, privateBlob.toByteArray());

        String body = Base64.getMimeEncoder(70, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(all.toByteArray());
        Files.writeString(file, "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body
                + "\n-----END OPENSSH PRIVATE KEY-----\n");
        return file;
    }

    private static void string(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }
}
