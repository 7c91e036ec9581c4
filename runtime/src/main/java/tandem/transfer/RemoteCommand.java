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
        Capped out = new Capped();
        Capped err = new Capped();
        try (ChannelExec ch = session.createExecChannel(commandLine)) {
            ch.setOut(out);
            ch.setErr(err);
            ch.open().verify(timeout);
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
        } catch (IOException e) {
            throw new TransferException(Step.COMMAND, "cannot run a command on " + address + ": "
                    + Connection.reason(e) + ": " + commandLine, e);
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
