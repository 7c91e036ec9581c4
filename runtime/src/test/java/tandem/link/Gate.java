package tandem.link;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of a node's listen port that can be cut like a network: while cut, the
 * connections it relays carry nothing (what is written into them is lost) and a dial's SYN is
 * dropped without an answer, so the dialler waits as it would behind a cable pulled out; after
 * {@link #heal()} new connections are relayed again, while those of before the cut stay dead.
 *
 * <p>The SYNs are dropped by the kernel: while cut the relay stops accepting and fills its accept
 * queue (backlog 1; Linux keeps backlog + 1 completed connections waiting and drops the next SYN)
 * with connections of its own.
 */
final class Gate implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final Object lock = new Object();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** This relay's own connections that fill the accept queue during a cut, by local port. */
    private final Set<Integer> fillerPorts = ConcurrentHashMap.newKeySet();
    private final List<Socket> fillers = new CopyOnWriteArrayList<>();
    private volatile boolean cut;
    private volatile boolean closed;
    /** Goes up at every cut: a connection relays only while the epoch it was accepted in lasts. */
    private volatile int epoch;

    Gate(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "gate-accept-" + server.getLocalPort());
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            synchronized (lock) {
                while (cut && !closed) {
                    try {
                        lock.wait(1_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            Socket in;
            try {
                in = server.accept();
            } catch (IOException e) {
                return;
            }
            sockets.add(in);
            if (fillerPorts.contains(in.getPort())) {
                continue; // a filler left in the queue
            }
            if (cut) {
                // taken just as the cut began, by an accept() that was waiting: no dial gets through a cut, so
                // the dialler must not keep it as a connection; it is reset
                reset(in);
                continue;
            }
            try {
                Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(out);
                int at = epoch;
                pump(in, out, at);
                pump(out, in, at);
            } catch (IOException e) {
                close(in);
            }
        }
    }

    private void pump(Socket from, Socket to, int at) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (!cut && epoch == at) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                    // else lost in the cut
                }
            } catch (IOException e) {
                // reset or closed
            } finally {
                close(from);
                close(to);
            }
        }, "gate-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Cuts: nothing passes any more and new dials go unanswered, until {@link #heal()}. */
    void cut() throws IOException {
        synchronized (lock) {
            cut = true;
            epoch++;
        }
        fill();
    }

    private void fill() throws IOException {
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
        for (int i = 0; i < 20; i++) {
            Socket s = new Socket();
            try {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                fillerPorts.add(s.getLocalPort());
                s.connect(at, 300);
                fillers.add(s);
            } catch (SocketTimeoutException e) {
                // the queue is full: from now on every SYN is dropped
                s.close();
                return;
            } catch (IOException e) {
                s.close(); // taken by the accept() that was waiting as the cut began
            }
        }
        throw new IllegalStateException("the accept queue of port " + port() + " did not fill up");
    }

    /** Ends the cut: new dials are answered and relayed. */
    void heal() {
        synchronized (lock) {
            cut = false;
            lock.notifyAll();
        }
        fillers.forEach(Gate::close);
        fillers.clear();
    }

    /**
     * Whether some socket on this machine is dialling this relay and has had no answer (state
     * SYN_SENT in /proc/net/tcp or tcp6): a dial whose SYN the cut dropped.
     */
    boolean dialledInTheCut() {
        try {
            purge();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String port = String.format(Locale.ROOT, ":%04X", port());
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    // sl local_address rem_address st ...; state 02 is SYN_SENT
                    if (f.length > 3 && f[2].endsWith(port) && f[3].equals("02")) {
                        return true;
                    }
                }
            } catch (IOException e) {
                // no such table (no IPv6)
            }
        }
        return false;
    }

    /**
     * A dial that completed while the queue was filling (a loaded machine) waits in the queue as an open
     * connection, which no cut would let through: it is taken and reset, and the queue filled again.
     */
    private void purge() throws IOException {
        if (!cut || !strangerQueued()) {
            return;
        }
        // the accept thread waits for the heal meanwhile, so this thread takes what is queued
        server.setSoTimeout(50);
        try {
            for (int i = 0; i < 20; i++) {
                Socket in = server.accept();
                sockets.add(in);
                if (!fillerPorts.contains(in.getPort())) {
                    reset(in);
                }
            }
        } catch (SocketTimeoutException e) {
            // the queue is empty
        } finally {
            server.setSoTimeout(0);
        }
        fill();
    }

    /** Whether the accept queue holds a connection that is not a filler. */
    private boolean strangerQueued() {
        String port = String.format(Locale.ROOT, ":%04X", port());
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode: not accepted yet has inode 0
                    if (f.length > 9 && f[1].endsWith(port) && f[3].equals("01") && f[9].equals("0")) {
                        int remote = Integer.parseInt(f[2].substring(f[2].lastIndexOf(':') + 1), 16);
                        if (!fillerPorts.contains(remote)) {
                            return true;
                        }
                    }
                }
            } catch (IOException e) {
                // no such table
            }
        }
        return false;
    }

    /** The lines of /proc/net/tcp and tcp6 with this relay's port, for a failure message. */
    String sockets() {
        String port = String.format(Locale.ROOT, ":%04X", port());
        StringBuilder out = new StringBuilder();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    if (line.contains(port)) {
                        out.append(line.trim()).append('\n');
                    }
                }
            } catch (IOException e) {
                // no such table
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        close(server);
        fillers.forEach(Gate::close);
        sockets.forEach(Gate::close);
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException e) {
            // closed already
        }
        close(s);
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
