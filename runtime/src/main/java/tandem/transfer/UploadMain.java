package tandem.transfer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
 *     --known-hosts FILE [--timeout-seconds 30] [--serve] LOCAL_FILE REMOTE_FOLDER REMOTE_NAME
 * </pre>
 *
 * Prints {@code remotePath bytes sha256 millis} on one line; exits 1 with the error's message when
 * the upload failed, 2 on bad arguments.
 *
 * <p>With {@code --serve} the process stays up as a node does between its scheduled transfers: it
 * prints {@code ready} once started, then uploads once for every line it reads on its standard input
 * and answers each with the line above (or {@code failed MESSAGE}), until its input ends. The uploads
 * then run in a JVM that has run the ones before, as a node's do.
 *
 * <p>{@code UploadMain --own-jvm} is the other end of {@link OwnJvm}: one upload whose request comes
 * on standard input; nothing else on the command line.
 */
public final class UploadMain {
    private UploadMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--own-jvm")) {
            // standard output carries the answer alone: anything printed goes to standard error
            java.io.PrintStream answer = System.out;
            System.setOut(System.err);
            OwnJvm.serve(System.in, answer);
            answer.flush();
            return;
        }
        String host = null;
        int port = SshTarget.DEFAULT_PORT;
        String user = SshTarget.DEFAULT_USER;
        Path key = null;
        String password = null;
        Path knownHosts = null;
        Duration timeout = SshTarget.DEFAULT_TIMEOUT;
        boolean serve = false;
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
                    case "--serve" -> serve = true;
                    default -> rest.add(args[i]);
                }
            }
            if (rest.size() != 3 || knownHosts == null) {
                throw new IllegalArgumentException("expected --known-hosts FILE and LOCAL_FILE REMOTE_FOLDER REMOTE_NAME");
            }
            SshTarget target = new SshTarget(host, port, user, password, key, knownHosts, timeout);
            if (serve) {
                serve(target, Path.of(rest.get(0)), rest.get(1), rest.get(2));
                return;
            }
            System.out.println(line(Transfer.upload(target, Path.of(rest.get(0)), rest.get(1), rest.get(2))));
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            System.err.println("upload: " + e.getMessage()
                    + "\nusage: UploadMain --host IPV4 [--port N] [--user U] (--key FILE | --password-file FILE)"
                    + " --known-hosts FILE [--timeout-seconds N] [--serve] LOCAL_FILE REMOTE_FOLDER REMOTE_NAME");
            System.exit(2);
        } catch (TransferException e) {
            System.err.println("upload: " + e.getMessage());
            System.exit(1);
        }
    }

    private static String line(TransferReport r) {
        return r.remotePath() + " " + r.bytes() + " " + r.sha256Hex() + " " + r.millis();
    }

    /** One upload per line of standard input, each answered on standard output. */
    private static void serve(SshTarget target, Path local, String folder, String name) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready");
        System.out.flush();
        while (in.readLine() != null) {
            String answer;
            try {
                answer = line(Transfer.upload(target, local, folder, name));
            } catch (TransferException e) {
                answer = "failed " + e.getMessage().replace('\n', ' ');
            }
            System.out.println(answer);
            System.out.flush();
        }
    }
}
