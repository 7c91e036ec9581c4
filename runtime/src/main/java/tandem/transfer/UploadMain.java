package tandem.transfer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One upload from the command line, what {@code bench/backup} times against OpenSSH's scp:
 *
 * <pre>
 * java -cp runtime/target/classes:runtime/target/lib/* tandem.transfer.UploadMain \
 *     --host 127.0.0.1 [--port 22] [--user root] (--key FILE | --password-file FILE) \
 *     --known-hosts FILE [--timeout-seconds 30] LOCAL_FILE REMOTE_FOLDER REMOTE_NAME
 * </pre>
 *
 * Prints {@code remotePath bytes sha256 millis} on one line; exits 1 with the error's message when
 * the upload failed, 2 on bad arguments.
 */
public final class UploadMain {
    private UploadMain() {
    }

    public static void main(String[] args) throws Exception {
        String host = null;
        int port = SshTarget.DEFAULT_PORT;
        String user = SshTarget.DEFAULT_USER;
        Path key = null;
        String password = null;
        Path knownHosts = null;
        Duration timeout = SshTarget.DEFAULT_TIMEOUT;
        List<String> rest = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--host" -> host = args[++i];
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--user" -> user = args[++i];
                    case "--key" -> key = Path.of(args[++i]);
                    case "--password-file" -> password = Files.readString(Path.of(args[++i])).strip();
                    case "--known-hosts" -> knownHosts = Path.of(args[++i]);
                    case "--timeout-seconds" -> timeout = Duration.ofSeconds(Long.parseLong(args[++i]));
                    default -> rest.add(args[i]);
                }
            }
            if (rest.size() != 3 || knownHosts == null) {
                throw new IllegalArgumentException("expected --known-hosts FILE and LOCAL_FILE REMOTE_FOLDER REMOTE_NAME");
            }
            SshTarget target = new SshTarget(host, port, user, password, key, knownHosts, timeout);
            TransferReport r = Transfer.upload(target, Path.of(rest.get(0)), rest.get(1), rest.get(2));
            System.out.println(r.remotePath() + " " + r.bytes() + " " + r.sha256Hex() + " " + r.millis());
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            System.err.println("upload: " + e.getMessage()
                    + "\nusage: UploadMain --host IPV4 [--port N] [--user U] (--key FILE | --password-file FILE)"
                    + " --known-hosts FILE [--timeout-seconds N] LOCAL_FILE REMOTE_FOLDER REMOTE_NAME");
            System.exit(2);
        } catch (TransferException e) {
            System.err.println("upload: " + e.getMessage());
            System.exit(1);
        }
    }
}
