package tandem.link;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between a node and its peer's listen port that records what passes (to replay it)
 * and can be cut (to silence one link).
 */
final class Tap implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final ByteArrayOutputStream recorded = new ByteArrayOutputStream();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean isCut;

    Tap(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "tap-accept-" + server.getLocalPort());
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket in;
            try {
                in = server.accept();
            } catch (IOException e) {
                return;
            }
            try {
                Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(in);
                sockets.add(out);
                if (isCut) {
                    // accepted while cut() ran: it must not outlive the cut
                    close(in);
                    close(out);
                    return;
                }
                pump(in, out, true);
                pump(out, in, false);
            } catch (IOException e) {
                close(in);
            }
        }
    }

    private void pump(Socket from, Socket to, boolean record) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (record) {
                        synchronized (recorded) {
                            recorded.write(buf, 0, n);
                        }
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // cut or closed
            } finally {
                close(from);
                close(to);
            }
        }, "tap-pump");
        t.setDaemon(true);
        t.start();
    }

    /** The complete frames relayed towards the target so far, each with its length prefix. */
    List<byte[]> frames() {
        byte[] all;
        synchronized (recorded) {
            all = recorded.toByteArray();
        }
        List<byte[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(all);
        while (b.remaining() >= 4) {
            int length = b.getInt(b.position());
            if (b.remaining() < 4 + length) {
                break;
            }
            byte[] frame = new byte[4 + length];
            b.get(frame);
            out.add(frame);
        }
        return out;
    }

    /** Stops relaying and refuses new connections: the link through it falls silent. */
    void cut() {
        isCut = true;
        close(server);
        sockets.forEach(Tap::close);
    }

    @Override
    public void close() {
        cut();
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
