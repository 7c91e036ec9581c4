package tandem.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.client.impl.SftpOutputStreamAsync;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.extensions.openssh.PosixRenameExtensionParser;
import org.apache.sshd.sftp.common.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.transfer.TransferException.Step;

/**
 * Uploads a file (a backup archive) to a node over SFTP so that the name it is meant to have only
 * ever holds a complete, verified copy (RED-1, RED-4): the bytes go to a hidden {@code .NAME.part}
 * beside it, the server computes the SHA-256 of what it stored (OpenSSL's or {@code sha256sum}, over
 * an exec channel) and only when it equals the one computed here from the bytes sent is the file
 * renamed onto its name. A failure at any step removes the partial file (best effort) and leaves the file that
 * had the name before untouched.
 *
 * <p>Speed: SFTP writes are pipelined (many requests in flight, acknowledged as they come) in
 * chunks of {@link #DEFAULT_CHUNK} bytes, the most OpenSSH's sftp-server takes in one request; the
 * local SHA-256 is computed from each chunk as it is read for sending, so the file is read once; the
 * server's check is started beside the upload. AES-GCM, SHA-256 and the copying need the JVM's
 * optimizing compiler (C2) and its intrinsics: with C1 alone the same upload takes about three times
 * as long (see {@code bench/README.md}, bench/backup). The machine work only: when to upload and
 * how often to retry is the rules' and the routes' business.
 */
public final class Transfer {
    private static final Logger LOG = LoggerFactory.getLogger(Transfer.class);
    /**
     * Bytes per SFTP write request. OpenSSH's sftp-server accepts messages up to 256 KiB
     * (SFTP_MAX_MSG_LENGTH) and announces 255 KiB of data per write in its limits@openssh.com extension.
     */
    static final int DEFAULT_CHUNK = 255 * 1024;
    /** The slowest a server's {@code sha256sum} is assumed to read, to bound the check's time. */
    private static final long VERIFY_BYTES_PER_SECOND = 20_000_000L;

    private final int chunk;
    private final boolean ownJvm;

    /** Uploads in a JVM of their own when this one compiles with C1 only ({@link OwnJvm}). */
    public Transfer() {
        this(DEFAULT_CHUNK);
    }

    Transfer(int chunk) {
        this(chunk, OwnJvm.needed());
    }

    /** {@code ownJvm}: each upload in a JVM of its own ({@link OwnJvm}), else in this one. */
    Transfer(int chunk, boolean ownJvm) {
        if (chunk < 4096) {
            throw new IllegalArgumentException("chunk " + chunk + " < 4096");
        }
        this.chunk = chunk;
        this.ownJvm = ownJvm;
    }

    /** An upload's outcome and how long its login, upload and server check took. */
    record Timed(TransferReport report, long loginMillis, long uploadMillis, long checkMillis) {
    }

    /**
     * Uploads {@code localArchive} to {@code remoteFolder/remoteName} on {@code target} (see the class
     * comment), creating {@code remoteFolder} when missing. A relative folder is relative to the login's
     * home, as with OpenSSH's sftp.
     *
     * @throws TransferException naming the failed step: LOCAL (the file here), CONNECT, HOST_KEY, AUTH,
     *                           UPLOAD, VERIFY (with both hashes when they differ) or RENAME
     */
    public static TransferReport upload(SshTarget target, Path localArchive, String remoteFolder, String remoteName) {
        return new Transfer().send(target, localArchive, remoteFolder, remoteName);
    }

    /** {@link #upload}, with this instance's chunk size. */
    public TransferReport send(SshTarget target, Path localArchive, String remoteFolder, String remoteName) {
        return sendTimed(target, localArchive, remoteFolder, remoteName).report();
    }

    Timed sendTimed(SshTarget target, Path localArchive, String remoteFolder, String remoteName) {
        checkName(remoteName);
        if (remoteFolder == null || remoteFolder.isEmpty()) {
            throw new IllegalArgumentException("remote folder is empty");
        }
        if (!Files.isRegularFile(localArchive) || !Files.isReadable(localArchive)) {
            throw new TransferException(Step.LOCAL, "cannot upload " + localArchive + ": not a readable file");
        }
        String folder = remoteFolder.length() > 1 && remoteFolder.endsWith("/")
                ? remoteFolder.substring(0, remoteFolder.length() - 1) : remoteFolder;
        String dest = folder + "/" + remoteName;
        String part = folder + "/." + remoteName + ".part";
        String address = target.address();
        if (ownJvm) {
            long size = size(localArchive);
            Timed t = OwnJvm.upload(chunk, target, localArchive, remoteFolder, remoteName, size,
                    checkTimeout(target, size));
            TransferReport r = t.report();
            LOG.info("uploaded {} to {}:{} ({} bytes in {} ms in a JVM of its own: login {} ms, upload {} ms, check {} ms;"
                    + " sha256 {} checked on the server)", localArchive, address, r.remotePath(), r.bytes(), r.millis(),
                    t.loginMillis(), t.uploadMillis(), t.checkMillis(), r.sha256Hex());
            return t;
        }
        long t0 = System.nanoTime();
        long t2 = t0;
        try (Connection c = Connection.open(target)) {
            SftpClient sftp;
            try {
                sftp = SftpClientFactory.instance().createSftpClient(c.session());
            } catch (IOException e) {
                throw new TransferException(Step.UPLOAD, "cannot open SFTP on " + address + ": " + Connection.reason(e), e);
            }
            try {
                long t1 = System.nanoTime();
                Sent sent;
                RemoteCommand.Result sums;
                // the check starts beside the upload and waits for a line on its input: the server's
                // shell start (sshd runs every command through the login shell, which may read a
                // profile) then costs nothing after the upload
                try (RemoteCommand.Started check = RemoteCommand.start(c.session(), address, checksumCommand(part),
                        target.timeout())) {
                    sent = write(sftp, localArchive, folder, part, address);
                    t2 = System.nanoTime();
                    sums = check.finish(GO, checkTimeout(target, sent.bytes()));
                } catch (TransferException e) {
                    throw e.step() == Step.COMMAND ? new TransferException(Step.VERIFY, "cannot check the SHA-256 of "
                            + part + " on " + address + ": " + e.getMessage(), e) : e;
                }
                verify(sums, part, address, sent);
                long t3 = System.nanoTime();
                rename(sftp, part, dest, address);
                removeLeftovers(sftp, folder, address);
                long millis = (System.nanoTime() - t0) / 1_000_000;
                LOG.info("uploaded {} to {}:{} ({} bytes in {} ms: login {} ms, upload {} ms, check {} ms; sha256 {}"
                        + " checked on the server)", localArchive, address, dest, sent.bytes(), millis,
                        (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, sent.sha256());
                return new Timed(new TransferReport(dest, sent.bytes(), sent.sha256(), millis, true),
                        (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
            } catch (TransferException e) {
                throw withCleanup(e, target, sftp, part);
            } finally {
                try {
                    sftp.close();
                } catch (IOException e) {
                    // the session closes next anyway; after a rename the file is in place whatever this says
                    LOG.debug("closing SFTP on {}: {}", address, e.toString());
                }
            }
        }
    }

    private record Sent(long bytes, String sha256) {
    }

    /** Uploads {@code local} to {@code part}; the SHA-256 is of the bytes read for sending, as they were read. */
    private Sent write(SftpClient sftp, Path local, String folder, String part, String address) {
        try {
            mkdirs(sftp, folder);
        } catch (IOException e) {
            throw new TransferException(Step.UPLOAD, "cannot create the folder " + folder + " on " + address + ": "
                    + Connection.reason(e), e);
        }
        MessageDigest sha = sha256();
        long bytes;
        long size;
        try (InputStream file = Files.newInputStream(local)) {
            size = Files.size(local);
            // hashes what each read put into the request buffer: one pass over the file, no copy
            InputStream in = new DigestInputStream(file, sha);
            try (OutputStream out = sftp.write(part, chunk, OpenMode.Write, OpenMode.Create, OpenMode.Truncate)) {
                if (out instanceof SftpOutputStreamAsync async) {
                    // reads straight into the request buffer: no copy between the file and the wire
                    bytes = async.transferFrom(in);
                } else {
                    bytes = in.transferTo(out);
                }
            }
        } catch (IOException e) {
            throw new TransferException(Step.UPLOAD, "upload of " + local + " to " + address + ":" + part + " failed: "
                    + Connection.reason(e), e);
        }
        if (bytes != size) {
            throw new TransferException(Step.UPLOAD, local + " changed while it was uploaded: " + size
                    + " bytes when the upload started, " + bytes + " bytes sent");
        }
        return new Sent(bytes, HexFormat.of().formatHex(sha.digest()));
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new TransferException(Step.LOCAL, "cannot read " + file + ": " + Connection.reason(e), e);
        }
    }

    /** The check's time: the target's timeout and a second per 20 MB, the slowest disk assumed. */
    private static Duration checkTimeout(SshTarget target, long bytes) {
        return target.timeout().plusSeconds(bytes / VERIFY_BYTES_PER_SECOND);
    }

    private static void verify(RemoteCommand.Result r, String part, String address, Sent sent) {
        if (r.exitCode() != 0) {
            throw new TransferException(Step.VERIFY, "the SHA-256 check of " + part + " on " + address + " failed (exit "
                    + r.exitCode() + "): " + r.stderr().strip());
        }
        String remote = parseSha256sum(r.stdout());
        if (remote == null) {
            throw new TransferException(Step.VERIFY, "the SHA-256 check of " + part + " on " + address
                    + " printed no SHA-256: " + r.stdout().strip());
        }
        if (!remote.equals(sent.sha256())) {
            throw new TransferException(Step.VERIFY, "the upload to " + address + ":" + part + " is corrupt: SHA-256 "
                    + remote + " on the server, " + sent.sha256() + " sent (" + sent.bytes() + " bytes)");
        }
    }

    private static void rename(SftpClient sftp, String part, String dest, String address) {
        try {
            if (sftp.getServerExtensions().containsKey(PosixRenameExtensionParser.NAME)) {
                // rename(2): replaces an existing file in one step, which SFTP v3's rename (OpenSSH) refuses
                sftp.getExtension(OpenSSHPosixRenameExtension.class).posixRename(part, dest);
            } else {
                // A server without the extension: remove the old file first. Not atomic: a crash between
                // the two steps leaves no file under the name, only the verified .part, which the next
                // upload replaces.
                try {
                    sftp.remove(dest);
                } catch (SftpException e) {
                    if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
                        throw e;
                    }
                }
                sftp.rename(part, dest);
            }
        } catch (IOException e) {
            throw new TransferException(Step.RENAME, "cannot rename " + part + " to " + dest + " on " + address + ": "
                    + Connection.reason(e), e);
        }
    }

    /**
     * Removes the partial file over the same SFTP session, and when that fails for any reason over a new
     * one: a session the server has just cut off can still look open here (the close has not arrived yet),
     * and its removal then fails on a broken pipe although a new session would succeed.
     */
    private static TransferException withCleanup(TransferException e, SshTarget target, SftpClient sftp, String part) {
        String problem = removePart(sftp, part);
        if (problem != null) {
            try (Connection again = Connection.open(target);
                    SftpClient fresh = SftpClientFactory.instance().createSftpClient(again.session())) {
                problem = removePart(fresh, part);
            } catch (IOException | TransferException ex) {
                problem = Connection.reason(ex);
            }
        }
        if (problem == null) {
            return e;
        }
        LOG.warn("cannot remove the partial upload {} on {}: {}", part, target.address(), problem);
        TransferException out = new TransferException(e.step(), e.getMessage() + " (the partial file " + part
                + " could not be removed: " + problem + ")", e.getCause());
        return out;
    }

    /**
     * Removes the partial files ({@code .NAME.part}) that earlier uploads left in {@code folder} when
     * their connection went away in the middle (the server gone, so not even their own clean-up could
     * reach it): the next upload has a new name and would never replace them. Best effort, after a
     * successful upload: what cannot be removed is logged and tried again the next time.
     */
    private static void removeLeftovers(SftpClient sftp, String folder, String address) {
        try {
            for (SftpClient.DirEntry e : sftp.readDir(folder)) {
                String name = e.getFilename();
                if (!name.startsWith(".") || !name.endsWith(".part") || !e.getAttributes().isRegularFile()) {
                    continue;
                }
                String leftover = folder + "/" + name;
                String problem = removePart(sftp, leftover);
                if (problem == null) {
                    LOG.info("removed {} on {}, the partial file of an earlier upload that was cut off", leftover, address);
                } else {
                    LOG.warn("cannot remove {} on {}, the partial file of an earlier upload: {}", leftover, address, problem);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {} on {} for partial files of earlier uploads: {}", folder, address, Connection.reason(e));
        }
    }

    /** {@code null} when removed or absent, else why not. */
    private static String removePart(SftpClient sftp, String part) {
        if (!sftp.isOpen()) {
            return "the SFTP session is closed";
        }
        try {
            sftp.remove(part);
            return null;
        } catch (SftpException e) {
            return e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE ? null : Connection.reason(e);
        } catch (IOException e) {
            return Connection.reason(e);
        }
    }

    private static void mkdirs(SftpClient sftp, String folder) throws IOException {
        if (isDir(sftp, folder)) {
            return;
        }
        StringBuilder prefix = new StringBuilder(folder.startsWith("/") ? "/" : "");
        for (String part : folder.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (prefix.length() > 0 && prefix.charAt(prefix.length() - 1) != '/') {
                prefix.append('/');
            }
            prefix.append(part);
            String p = prefix.toString();
            if (!isDir(sftp, p)) {
                sftp.mkdir(p);
            }
        }
    }

    private static boolean isDir(SftpClient sftp, String path) throws IOException {
        try {
            SftpClient.Attributes a = sftp.stat(path);
            if (!a.isDirectory()) {
                throw new IOException(path + " exists and is not a folder");
            }
            return true;
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return false;
            }
            throw e;
        }
    }

    /**
     * The server's SHA-256 of {@code path}: OpenSSL's when it is installed, coreutils' {@code sha256sum}
     * otherwise, once a line {@code check} arrives on its input. Both print {@code HASH NAME}-style lines. OpenSSL's uses the CPU's SHA extensions:
     * 1 GiB took 0.8 s of CPU here where Debian 12's sha256sum, which does not, took 4.5 s, as long as
     * the whole upload. A relative path gets {@code ./} so that it cannot pass for an option.
     */
    static String checksumCommand(String path) {
        String p = shellQuote(path.startsWith("/") ? path : "./" + path);
        return "read -r go && [ \"$go\" = check ] && { openssl dgst -sha256 -r " + p + " 2>/dev/null || sha256sum " + p
                + "; }";
    }

    /** The line that lets {@link #checksumCommand} go ahead once the upload is complete. */
    private static final byte[] GO = "check\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The hash in {@code sha256sum}'s or {@code openssl dgst -r}'s output line ({@code HASH  NAME}, with a {@code \} before an escaped name). */
    static String parseSha256sum(String stdout) {
        String s = stdout.strip();
        if (s.startsWith("\\")) {
            s = s.substring(1);
        }
        if (s.length() < 64) {
            return null;
        }
        String hash = s.substring(0, 64).toLowerCase(Locale.ROOT);
        if (!hash.matches("[0-9a-f]{64}") || (s.length() > 64 && s.charAt(64) != ' ')) {
            return null;
        }
        return hash;
    }

    /** A POSIX shell word that stands for exactly {@code s}. */
    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")
                || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("remote name '" + name + "' must be a plain file name");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
