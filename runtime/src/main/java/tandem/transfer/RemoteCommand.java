package tandem.transfer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import tandem.transfer.TransferException.Step;

/**
 * Runs one command line on a target over an SSH exec channel, as OpenSSH's {@code ssh host 'cmd'}
 * does: the server's login shell interprets it, no terminal. The caller judges the exit code; a
 * command that does not finish in time is an error.
 */
public final class RemoteCommand {
    /** Each of stdout and stderr is kept up to this many bytes; the rest is counted, not kept. */
    static final int MAX_OUTPUT = 1 << 20;

    private RemoteCommand() {
    }

    /**
     * What the command left: its exit code and its output, decoded as UTF-8 (each cut at 1 MiB, with a
     * note saying how much was left out).
     */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /**
     * Logs in on {@code target}, runs {@code commandLine} and waits for it to end.
     *
     * @throws TransferException when the login fails (step CONNECT, HOST_KEY, AUTH) or the command cannot
     *                           run, ends without an exit code (killed by a signal) or runs past
     *                           {@code timeout} (step COMMAND; its channel is then closed, which an
     *                           OpenSSH server answers by closing the command's pipes, not by killing it)
     */
    public static Result run(SshTarget target, String commandLine, Duration timeout) {
        try (Connection c = Connection.open(target)) {
            return exec(c.session(), target.address(), commandLine, timeout);
        }
    }

    static Result exec(ClientSession session, String address, String commandLine, Duration timeout) {
        try (Started started = start(session, address, commandLine, timeout)) {
            return started.finish(new byte[0], timeout);
        }
    }

    /**
     * Starts {@code commandLine} now and lets the caller feed its standard input later. The server's
     * part of starting a command (a process, the login shell and what it reads at start) then runs
     * beside whatever the caller does meanwhile; a command that begins with {@code read} waits for the
     * caller's go.
     */
    static Started start(ClientSession session, String address, String commandLine, Duration openTimeout) {
        Capped out = new Capped();
        Capped err = new Capped();
        ChannelExec ch = null;
        try {
            ch = session.createExecChannel(commandLine);
            ch.setOut(out);
            ch.setErr(err);
            ch.open().verify(openTimeout);
            return new Started(ch, address, commandLine, out, err);
        } catch (IOException e) {
            if (ch != null) {
                ch.close(true);
            }
            throw new TransferException(Step.COMMAND, "cannot run a command on " + address + ": "
                    + Connection.reason(e) + ": " + commandLine, e);
        }
    }

    /** A started command; {@link #close()} before {@link #finish} abandons it (its channel is closed). */
    static final class Started implements AutoCloseable {
        private final ChannelExec ch;
        private final String address;
        private final String commandLine;
        private final Capped out;
        private final Capped err;

        private Started(ChannelExec ch, String address, String commandLine, Capped out, Capped err) {
            this.ch = ch;
            this.address = address;
            this.commandLine = commandLine;
            this.out = out;
            this.err = err;
        }

        /** Sends {@code stdin} and its end, then waits up to {@code timeout} for the command to end. */
        Result finish(byte[] stdin, Duration timeout) {
            try {
                OutputStream in = ch.getInvertedIn();
                in.write(stdin);
                in.close(); // EOF: a command reading its input sees the end
            } catch (IOException e) {
                // a command that ended without reading its input (or never reads it): its result says more
            }
            Set<ClientChannelEvent> ev = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            if (!ev.contains(ClientChannelEvent.CLOSED)) {
                ch.close(true);
                throw new TransferException(Step.COMMAND, "command on " + address + " did not finish within "
                        + timeout.toMillis() + " ms; its channel was closed: " + commandLine);
            }
            Integer status = ch.getExitStatus();
            if (status == null) {
                String signal = ch.getExitSignal();
                throw new TransferException(Step.COMMAND, "command on " + address + " ended without an exit code"
                        + (signal != null ? " (signal " + signal + ")" : "") + ": " + commandLine
                        + (err.size() > 0 ? "; stderr: " + err.text().strip() : ""));
            }
            return new Result(status, out.text(), err.text());
        }

        @Override
        public void close() {
            ch.close(true);
        }
    }

    /** Keeps the first {@link #MAX_OUTPUT} bytes and counts the rest. */
    private static final class Capped extends OutputStream {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long dropped;

        @Override
        public synchronized void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int room = Math.max(0, MAX_OUTPUT - kept.size());
            int keep = Math.min(room, len);
            kept.write(b, off, keep);
            dropped += len - keep;
        }

        synchronized int size() {
            return kept.size();
        }

        synchronized String text() {
            String s = kept.toString(StandardCharsets.UTF_8);
            return dropped == 0 ? s : s + "\n[" + dropped + " more bytes not kept]";
        }
    }
}
