package tandem.os;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

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
        return execute(argv, timeout, null);
    }

    @Override
    public Result runUntil(List<String> argv, Duration timeout, Pattern answered) {
        return execute(argv, timeout, java.util.Objects.requireNonNull(answered, "answered"));
    }

    private Result execute(List<String> argv, Duration timeout, Pattern answered) {
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
        Drain out = Drain.start(process.getInputStream(), argv.get(0) + " stdout", answered);
        Drain err = Drain.start(process.getErrorStream(), argv.get(0) + " stderr", null);
        try {
            if (answered != null && answeredFirst(process, out, timeout)) {
                Process p = process;
                // still bounded: killed (with its children) if it has not finished by the timeout
                CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                    if (p.isAlive()) {
                        killTree(p);
                    }
                });
                return new Result(RUNNING, out.text(), err.text(), false);
            }
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

    /**
     * Waits until the program exits or its output matched, at most {@code timeout}; true when the
     * output matched while it was still running.
     */
    private static boolean answeredFirst(Process process, Drain out, Duration timeout) throws InterruptedException {
        try {
            CompletableFuture.anyOf(process.onExit(), out.matched).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
        return out.matched.isDone() && process.isAlive();
    }

    /** Kills {@code process} and every process it started, and waits (bounded) until it is gone. */
    public static void killTree(Process process) {
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
        private final Pattern answered;
        /** Completed when what was read so far matches {@code answered}. */
        final CompletableFuture<Void> matched = new CompletableFuture<>();

        private Drain(InputStream in, String name, Pattern answered) {
            this.in = in;
            this.answered = answered;
            this.thread = new Thread(this, "drain " + name);
            thread.setDaemon(true);
        }

        static Drain start(InputStream in, String name, Pattern answered) {
            Drain d = new Drain(in, name, answered);
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
                    if (answered != null && !matched.isDone() && answered.matcher(text()).find()) {
                        matched.complete(null);
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
