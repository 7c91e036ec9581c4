package tandem.config;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * The form of a private key file named in a node file ({@code redundancy.standby.key}), checked when
 * the file is read so that a wrong file is an error of {@code tandem check}, not of the first
 * transfer at night. Only the header is read, never used: the key itself is loaded by the SSH
 * client. OpenSSH's own format ({@code ssh-keygen}'s default) is decoded to its key type; the older
 * PEM form of an RSA key ({@code ssh-keygen -m PEM}) is recognized by its armor.
 */
final class SshKeyFile {
    static final String OPENSSH_ARMOR = "-----BEGIN OPENSSH PRIVATE KEY-----";
    private static final String OPENSSH_END = "-----END OPENSSH PRIVATE KEY-----";
    private static final String PEM_RSA_ARMOR = "-----BEGIN RSA PRIVATE KEY-----";
    private static final byte[] MAGIC = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
    /** The key types the standby's OpenSSH accepts from Tandem (RED-6: ed25519 or rsa). */
    private static final Set<String> TYPES = Set.of("ssh-ed25519", "ssh-rsa");

    private SshKeyFile() {
    }

    /** What is wrong with {@code file} as an unencrypted ed25519 or rsa private key, if anything. */
    static Optional<String> problem(Path file) {
        if (!Files.exists(file)) {
            return Optional.of("no such file " + file);
        }
        if (!Files.isRegularFile(file)) {
            return Optional.of(file + " is not a regular file");
        }
        String text;
        try {
            text = TextFile.read(file, TextFile.SECRET_LIMIT, "a key file").strip();
        } catch (TextFile.Unreadable e) {
            return Optional.of(file + ": " + e.problem().message());
        }
        if (text.startsWith(PEM_RSA_ARMOR)) {
            return text.contains("ENCRYPTED")
                    ? Optional.of(file + " is encrypted with a passphrase; the transfer runs unattended, so the"
                            + " key must have none (protect the file by its permissions)")
                    : Optional.empty();
        }
        if (!text.startsWith(OPENSSH_ARMOR) || !text.endsWith(OPENSSH_END)) {
            return Optional.of(file + " is not a private key in OpenSSH format (" + OPENSSH_ARMOR + ")");
        }
        String body = text.substring(OPENSSH_ARMOR.length(), text.length() - OPENSSH_END.length())
                .replaceAll("\\s", "");
        try {
            ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(body));
            byte[] magic = new byte[MAGIC.length];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                return Optional.of(file + " is not a private key in OpenSSH format (no openssh-key-v1 header)");
            }
            String cipher = string(b);
            string(b); // kdf name
            string(b); // kdf options
            int keys = b.getInt();
            String type = string(ByteBuffer.wrap(bytes(b)));
            if (!cipher.equals("none")) {
                return Optional.of(file + " is encrypted with a passphrase; the transfer runs unattended, so the"
                        + " key must have none (protect the file by its permissions)");
            }
            if (keys != 1) {
                return Optional.of(file + " holds " + keys + " keys; give a file with one");
            }
            if (!TYPES.contains(type)) {
                return Optional.of(file + " holds a key of type " + type + "; use an ed25519 or rsa key");
            }
            return Optional.empty();
        } catch (IllegalArgumentException | BufferUnderflowException e) {
            return Optional.of(file + " is not a private key in OpenSSH format (its body is damaged)");
        }
    }

    private static String string(ByteBuffer b) {
        return new String(bytes(b), StandardCharsets.US_ASCII);
    }

    /** An SSH wire-format string: a 32-bit length, then that many bytes. */
    private static byte[] bytes(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }
}
