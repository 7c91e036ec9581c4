package tandem.actions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link Commands} with real processes ({@link ProcessBuilder}). Output is drained by two reader
 * threads so a chatty program cannot block on a full pipe; on timeout the program and every process
 * it started are killed ({@code destroyForcibly}), because killing only {@code sh -c} would leave its
 * child running and holding the pipes open.
 */
public final class SystemCommands implements Commands {

    /** Output kept per stream; the rest is read and dropped so the program never blocks on it. */
    static final int MAX_KEPT = 64 * 1024;

    /**
     * How long to wait for the output after the program exited: a background process it left behind
     * may keep the pipe open forever, and then what was read so far is the answer.
     */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(1);

    /** How long a killed program may take to disappear before we stop waiting for it. */
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);

    private static final Charset CHARSET = nativeCharset();

    @Override
    public Result run(List<String> argv, Duration timeout) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty argv");
        }
        Process process;
        try {
            process = new ProcessBuilder(argv).start();
        } catch (IOException e) {
            return new Result(NOT_STARTED, "", "cannot run " + argv.get(0) + ": " + e.getMessage(), false);
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // the program closed its end already; it just gets no input
        }
        Drain out = Drain.start(process.getInputStream(), argv.get(0) + " stdout");
        Drain err = Drain.start(process.getErrorStream(), argv.get(0) + " stderr");
        try {
            if (process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                out.await(DRAIN_GRACE);
                err.await(DRAIN_GRACE);
                return new Result(process.exitValue(), out.text(), err.text(), false);
            }
            killTree(process);
            out.await(DRAIN_GRACE);
            err.await(DRAIN_GRACE);
            return new Result(KILLED, out.text(), err.text(), true);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            return new Result(KILLED, out.text(), err.text() + "interrupted while waiting for " + argv.get(0), false);
        }
    }

    /** Kills {@code process} and every process it started, and waits (bounded) until it is gone. */
    static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Charset nativeCharset() {
        try {
            return Charset.forName(System.getProperty("native.encoding", Charset.defaultCharset().name()));
        } catch (IllegalArgumentException e) {
            return Charset.defaultCharset();
        }
    }

    /** Reads one stream to its end on a daemon thread, keeping the first {@link #MAX_KEPT} bytes. */
    private static final class Drain implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final Thread thread;

        private Drain(InputStream in, String name) {
            this.in = in;
            this.thread = new Thread(this, "drain " + name);
            thread.setDaemon(true);
        }

        static Drain start(InputStream in, String name) {
            Drain d = new Drain(in, name);
            d.thread.start();
            return d;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (kept) {
                        int room = MAX_KEPT - kept.size();
                        if (room > 0) {
                            kept.write(buf, 0, Math.min(n, room));
                        }
                    }
                }
            } catch (IOException e) {
                // the pipe was closed under us (process killed): what was read is the answer
            }
        }

        void await(Duration grace) throws InterruptedException {
            thread.join(Math.max(1, grace.toMillis()));
        }

        String text() {
            synchronized (kept) {
                return kept.toString(CHARSET);
            }
        }
    }
}
