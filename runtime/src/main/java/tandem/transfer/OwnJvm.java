package tandem.transfer;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.transfer.TransferException.Step;

/**
 * An upload in a JVM of its own, for a JVM that compiles with C1 only (a node: {@code bin/tandem run}
 * keeps an idle node small with {@code -XX:TieredStopAtLevel=1}). AES-GCM, SHA-256 and the copying
 * are fast only with the optimizing compiler C2 and its intrinsics: a 1 GiB upload took about three
 * times as long with C1 alone, while C2 in the node itself added some 20 to 40 MB to an idle node's
 * resident memory. So the node starts {@code java ... tandem.transfer.UploadMain --own-jvm} with the
 * flags below for the length of one upload (logging its warnings only, see {@link StderrWarnings}), hands it the request on its standard input (the password
 * never appears on a command line) and reads the outcome from its standard output; the JVM's start
 * (about 0.3 s, and the compilation of the hot code) is part of the upload's time. Its failures come
 * back with their step and message, as in this JVM; one that outlives its time limit is stopped and
 * may leave the partial {@code .NAME.part} behind, which never looks like a backup and which the next
 * upload replaces.
 */
final class OwnJvm {
    private static final Logger LOG = LoggerFactory.getLogger(OwnJvm.class);
    /**
     * The upload's JVM: serial GC and a small heap (the upload keeps a few MB of buffers), tiered
     * compilation up to C2 with two compiler threads (the JVM's default thresholds: raising C2's, so
     * that it compiles fewer methods, cost more CPU than it saved), a bounded code cache and direct
     * memory; the JVM's own messages go to standard error, standard output carries the answer alone;
     * its logging is {@link StderrWarnings}.
     */
    static final List<String> FLAGS = List.of("-XX:+UseSerialGC", "-Xms32m", "-Xmx128m", "-Xss512k",
            "-XX:TieredStopAtLevel=4", "-XX:CICompilerCount=2", "-XX:ReservedCodeCacheSize=32m",
            "-XX:MaxDirectMemorySize=32m", "-XX:+ExitOnOutOfMemoryError", "-XX:+DisplayVMOutputToStderr",
            "-Xlog:all=warning:stderr", "-Dslf4j.provider=" + StderrWarnings.class.getName(),
            "-Dslf4j.internal.verbosity=WARN");
    private static final String OK = "ok";
    private static final String FAILED = "failed";
    /** The slowest link assumed when bounding the wait for the upload's JVM: 1 MB/s. */
    private static final long LINK_BYTES_PER_SECOND = 1_000_000L;
    private static final int STDERR_KEPT = 40;

    private OwnJvm() {
    }

    /** Whether this JVM compiles with C1 only, so that an upload belongs in a JVM of its own. */
    static boolean needed() {
        return needed(ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** {@link #needed()} for a JVM started with {@code args} (the last of a repeated flag counts). */
    static boolean needed(List<String> args) {
        boolean quickOnly = false;
        String level = null;
        boolean tiered = true;
        for (String a : args) {
            if (a.startsWith("-XX:TieredStopAtLevel=")) {
                level = a.substring("-XX:TieredStopAtLevel=".length());
            } else if (a.equals("-XX:-TieredCompilation")) {
                tiered = false;
            } else if (a.equals("-XX:+TieredCompilation")) {
                tiered = true;
            } else if (a.startsWith("-XX:CompilationMode=")) {
                quickOnly = a.equals("-XX:CompilationMode=quick-only");
            }
        }
        return quickOnly || tiered && level != null && !level.equals("4");
    }

    /** Runs {@code Transfer.send} in a JVM of its own; its outcome, or its failure with the same step. */
    static Transfer.Timed upload(int chunk, SshTarget target, Path local, String folder, String name, long bytes,
            Duration checkTimeout) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(FLAGS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), UploadMain.class.getName(), "--own-jvm"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // glibc's malloc arenas: two are plenty for a JVM (bin/tandem sets the same for the node)
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        String address = target.address();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new TransferException(Step.LOCAL, "cannot start the upload's JVM (" + cmd.get(0) + "): "
                    + Connection.reason(e), e);
        }
        Deque<String> stderr = new ArrayDeque<>();
        Thread drain = drain(p.getErrorStream(), stderr);
        Duration limit = target.timeout().multipliedBy(3).plus(checkTimeout)
                .plusSeconds(bytes / LINK_BYTES_PER_SECOND);
        Thread watchdog = watchdog(p, limit);
        try {
            try (DataOutputStream out = new DataOutputStream(p.getOutputStream())) {
                writeRequest(out, chunk, target, local, folder, name);
            } catch (IOException e) {
                // the JVM ended before it read its request: what it printed says why
            }
            try (DataInputStream in = new DataInputStream(p.getInputStream())) {
                String status = in.readUTF();
                if (status.equals(OK)) {
                    TransferReport r = new TransferReport(in.readUTF(), in.readLong(), in.readUTF(), in.readLong(),
                            in.readBoolean());
                    return new Transfer.Timed(r, in.readLong(), in.readLong(), in.readLong());
                }
                Step step = Step.valueOf(in.readUTF());
                throw new TransferException(step, in.readUTF());
            } catch (EOFException e) {
                throw ended(p, stderr, drain, limit, watchdog, address);
            } catch (IOException | IllegalArgumentException e) {
                throw new TransferException(Step.UPLOAD, "the upload's JVM gave no answer: " + Connection.reason(e), e);
            }
        } finally {
            watchdog.interrupt();
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    private static TransferException ended(Process p, Deque<String> stderr, Thread drain, Duration limit,
            Thread watchdog, String address) {
        try {
            p.waitFor(10, TimeUnit.SECONDS);
            drain.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean timedOut = watchdog instanceof Watchdog w && w.fired;
        String why;
        synchronized (stderr) {
            why = String.join(" | ", stderr);
        }
        String exit = p.isAlive() ? "still running" : "exit " + p.exitValue();
        return new TransferException(Step.UPLOAD, "the upload's JVM for " + address
                + (timedOut ? " did not finish within " + limit.toSeconds() + " s and was stopped" : " ended without an answer")
                + " (" + exit + ")" + (why.isEmpty() ? "" : ": " + why));
    }

    private static final class Watchdog extends Thread {
        private final Process p;
        private final Duration limit;
        volatile boolean fired;

        Watchdog(Process p, Duration limit) {
            super("tandem-upload-watchdog");
            this.p = p;
            this.limit = limit;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    fired = true;
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                // the upload ended
            }
        }
    }

    private static Thread watchdog(Process p, Duration limit) {
        Thread t = new Watchdog(p, limit);
        t.start();
        return t;
    }

    /** Logs the JVM's standard error (its warnings) and keeps its last lines for an error message. */
    private static Thread drain(InputStream err, Deque<String> kept) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    LOG.warn("upload JVM: {}", line);
                    synchronized (kept) {
                        kept.addLast(line.length() > 500 ? line.substring(0, 500) + "..." : line);
                        if (kept.size() > STDERR_KEPT) {
                            kept.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "tandem-upload-stderr");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void writeRequest(DataOutputStream out, int chunk, SshTarget t, Path local, String folder,
            String name) throws IOException {
        out.writeInt(chunk);
        out.writeUTF(t.host());
        out.writeInt(t.port());
        out.writeUTF(t.user());
        out.writeBoolean(t.password() != null);
        out.writeUTF(t.password() != null ? t.password() : t.privateKey().toString());
        out.writeUTF(t.knownHosts().toString());
        out.writeLong(t.timeout().toMillis());
        out.writeUTF(local.toString());
        out.writeUTF(folder);
        out.writeUTF(name);
    }

    /**
     * The upload's side ({@code UploadMain --own-jvm}): reads one request from {@code in}, uploads in
     * this JVM and writes the outcome to {@code out}.
     */
    static void serve(InputStream in, OutputStream out) throws IOException {
        DataInputStream req = new DataInputStream(in);
        int chunk = req.readInt();
        String host = req.readUTF();
        int port = req.readInt();
        String user = req.readUTF();
        boolean password = req.readBoolean();
        String secret = req.readUTF();
        Path knownHosts = Path.of(req.readUTF());
        Duration timeout = Duration.ofMillis(req.readLong());
        Path local = Path.of(req.readUTF());
        String folder = req.readUTF();
        String name = req.readUTF();
        SshTarget target = new SshTarget(host, port, user, password ? secret : null, password ? null : Path.of(secret),
                knownHosts, timeout);
        DataOutputStream answer = new DataOutputStream(out);
        try {
            Transfer.Timed t = new Transfer(chunk, false).sendTimed(target, local, folder, name);
            TransferReport r = t.report();
            answer.writeUTF(OK);
            answer.writeUTF(r.remotePath());
            answer.writeLong(r.bytes());
            answer.writeUTF(r.sha256Hex());
            answer.writeLong(r.millis());
            answer.writeBoolean(r.verified());
            answer.writeLong(t.loginMillis());
            answer.writeLong(t.uploadMillis());
            answer.writeLong(t.checkMillis());
        } catch (TransferException e) {
            answer.writeUTF(FAILED);
            answer.writeUTF(e.step().name());
            answer.writeUTF(e.getMessage());
        } catch (RuntimeException e) {
            answer.writeUTF(FAILED);
            answer.writeUTF(Step.UPLOAD.name());
            answer.writeUTF("the upload failed: " + Connection.reason(e));
        }
        answer.flush();
    }
}
