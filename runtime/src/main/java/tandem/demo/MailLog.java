package tandem.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The demo's mail server: a small plain-SMTP receiver on 127.0.0.1 (a free port) that appends every mail
 * it accepts, with its envelope, headers and body, to one file, so what the nodes mail (the error report,
 * the users' phone-restart mails) can be read after the demo. It delivers nothing anywhere.
 *
 * <p>It speaks what a mail client needs of RFC 5321: HELO/EHLO, MAIL, RCPT, DATA (with the leading-dot
 * unstuffing of 4.5.2), RSET, NOOP and QUIT; no authentication, no TLS, no relaying. Lines are bounded
 * ({@value #MAX_LINE} bytes, 4.5.3.1.6's 1000 with room to spare), so are a message ({@value #MAX_MESSAGE}
 * bytes, announced as EHLO's SIZE), its recipients and the connections; a client beyond a bound gets an
 * error and, for an overlong line, loses its connection. Each connection has a thread of its own, and
 * {@link #close()} ends them all.
 */
public final class MailLog implements AutoCloseable {
    /** The longest command or text line accepted, CRLF included. */
    public static final int MAX_LINE = 4096;
    /** The largest message accepted (headers and body, after unstuffing). */
    public static final int MAX_MESSAGE = 1 << 20;
    /** Recipients of one mail. */
    public static final int MAX_RECIPIENTS = 100;
    /** Connections at once; one more is answered 421 and closed. */
    public static final int MAX_CONNECTIONS = 16;
    /** Unrecognised or misplaced commands a connection may send before it is closed. */
    private static final int MAX_ERRORS = 10;
    /** How long a connection may stay silent (a client that stopped talking). */
    private static final int IDLE_MS = 60_000;

    /** One mail as received: its envelope and its subject (for the demo's output). */
    public record Received(int number, String from, List<String> to, String subject) {
        public Received {
            to = List.copyOf(to);
        }
    }

    private final Path file;
    private final Clock clock;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private MailLog(Path file, Clock clock) throws IOException {
        this.file = file;
        this.clock = clock;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "tandem-demo-smtp");
        this.acceptor.setDaemon(true);
    }

    /** Starts a receiver on 127.0.0.1 that appends every mail to {@code file} (created when missing). */
    public static MailLog start(Path file, Clock clock) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!Files.exists(file)) {
            Files.createFile(file);
        }
        MailLog log = new MailLog(file, clock);
        log.acceptor.start();
        return log;
    }

    public int port() {
        return server.getLocalPort();
    }

    public Path file() {
        return file;
    }

    /** The mails accepted so far, in order. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    private void accept() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (connections.size() >= MAX_CONNECTIONS) {
                try (s) {
                    s.getOutputStream().write("421 too many connections, try again later\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the client is gone already
                }
                continue;
            }
            connections.add(s);
            Thread t = new Thread(() -> {
                try {
                    new Session(s).run();
                } catch (IOException e) {
                    // the client went away or timed out: nothing was half-written (a mail is appended whole)
                } finally {
                    connections.remove(s);
                    threads.remove(Thread.currentThread());
                    try {
                        s.close();
                    } catch (IOException e) {
                        // closing anyway
                    }
                }
            }, "tandem-demo-smtp-" + s.getPort());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** One client's conversation. */
    private final class Session {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private String helo;
        private String from;
        private final List<String> to = new ArrayList<>();
        private int errors;

        Session(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(IDLE_MS);
            this.in = new java.io.BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        void run() throws IOException {
            reply("220 127.0.0.1 tandem demo mail log, ESMTP (stores mails, delivers none)");
            while (!closed) {
                byte[] raw = line();
                if (raw == null) {
                    return;
                }
                String line = new String(raw, StandardCharsets.US_ASCII);
                String verb = (line.length() >= 4 ? line.substring(0, 4) : line).toUpperCase(Locale.ROOT);
                String arg = line.length() > 4 ? line.substring(4).strip() : "";
                switch (verb) {
                    case "EHLO" -> {
                        helo = arg;
                        reset();
                        reply("250-127.0.0.1 hello " + arg + "\r\n250-SIZE " + MAX_MESSAGE + "\r\n250-8BITMIME\r\n250 HELP");
                    }
                    case "HELO" -> {
                        helo = arg;
                        reset();
                        reply("250 127.0.0.1 hello " + arg);
                    }
                    case "MAIL" -> mail(arg);
                    case "RCPT" -> rcpt(arg);
                    case "DATA" -> data();
                    case "RSET" -> {
                        reset();
                        reply("250 OK");
                    }
                    case "NOOP" -> reply("250 OK");
                    case "QUIT" -> {
                        reply("221 127.0.0.1 closing");
                        return;
                    }
                    default -> error("500 command not recognised");
                }
            }
        }

        private void mail(String arg) throws IOException {
            if (helo == null) {
                error("503 send HELO or EHLO first");
            } else if (from != null) {
                error("503 a mail is already begun; RSET first");
            } else if (!arg.toUpperCase(Locale.ROOT).startsWith("FROM:")) {
                error("501 syntax: MAIL FROM:<address>");
            } else {
                String path = path(arg.substring(5));
                if (path == null) {
                    error("501 syntax: MAIL FROM:<address>");
                    return;
                }
                from = path;
                reply("250 OK");
            }
        }

        private void rcpt(String arg) throws IOException {
            if (from == null) {
                error("503 MAIL first");
            } else if (!arg.toUpperCase(Locale.ROOT).startsWith("TO:")) {
                error("501 syntax: RCPT TO:<address>");
            } else if (to.size() >= MAX_RECIPIENTS) {
                reply("452 too many recipients");
            } else {
                String path = path(arg.substring(3));
                if (path == null || path.isEmpty()) {
                    error("501 syntax: RCPT TO:<address>");
                    return;
                }
                to.add(path);
                reply("250 OK");
            }
        }

        private void data() throws IOException {
            if (to.isEmpty()) {
                error("503 RCPT first");
                return;
            }
            reply("354 end the mail with <CRLF>.<CRLF>");
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            boolean tooBig = false;
            while (true) {
                byte[] raw = line();
                if (raw == null) {
                    return; // the client went away in the middle: nothing is written
                }
                if (raw.length == 1 && raw[0] == '.') {
                    break;
                }
                int skip = raw.length > 0 && raw[0] == '.' ? 1 : 0; // RFC 5321 4.5.2
                if (message.size() + raw.length - skip + 2 > MAX_MESSAGE) {
                    tooBig = true; // read on to the end, keep nothing
                }
                if (!tooBig) {
                    message.write(raw, skip, raw.length - skip);
                    message.write('\r');
                    message.write('\n');
                }
            }
            if (tooBig) {
                reply("552 message larger than " + MAX_MESSAGE + " bytes, not stored");
            } else {
                int n = store(from, to, message.toByteArray(), socket.getInetAddress().getHostAddress());
                reply("250 OK, stored as mail " + n);
            }
            reset();
        }

        private void reset() {
            from = null;
            to.clear();
        }

        private void error(String reply) throws IOException {
            reply(reply);
            if (++errors >= MAX_ERRORS) {
                reply("421 too many errors, closing");
                socket.close();
            }
        }

        private void reply(String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /**
         * The next line without its CRLF (a bare LF is taken too), null at the end of the stream. A line
         * longer than {@link #MAX_LINE} ends the connection.
         */
        private byte[] line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(128);
            while (true) {
                int c = in.read();
                if (c < 0) {
                    return null;
                }
                if (c == '\n') {
                    byte[] l = b.toByteArray();
                    return l.length > 0 && l[l.length - 1] == '\r' ? java.util.Arrays.copyOf(l, l.length - 1) : l;
                }
                if (b.size() + 1 >= MAX_LINE) {
                    // read the rest of the line (bounded) first: a socket closed with unread input is reset,
                    // and the client would lose the reply
                    for (int n = 0; n < 16 * MAX_LINE && c != '\n' && c >= 0; n++) {
                        c = in.read();
                    }
                    reply("500 line longer than " + MAX_LINE + " bytes, closing");
                    socket.close();
                    throw new SocketException("line too long");
                }
                b.write(c);
            }
        }
    }

    /** The address in {@code <...>} (parameters after it ignored), or null when there is none. */
    private static String path(String s) {
        String t = s.strip();
        int open = t.indexOf('<');
        int close = t.indexOf('>', open + 1);
        if (open != 0 || close < 0) {
            return null;
        }
        return t.substring(1, close);
    }

    /** Appends one mail whole (one write under the lock), so two sessions never interleave. */
    private synchronized int store(String from, List<String> to, byte[] message, String client) throws IOException {
        int n = received.size() + 1;
        StringBuilder head = new StringBuilder();
        head.append("=== mail ").append(n).append(", received ").append(Instant.now(clock)).append(" from ")
                .append(client).append('\n');
        head.append("MAIL FROM:<").append(from).append(">\n");
        for (String r : to) {
            head.append("RCPT TO:<").append(r).append(">\n");
        }
        head.append('\n');
        ByteArrayOutputStream all = new ByteArrayOutputStream(message.length + 256);
        all.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        all.writeBytes(new String(message, StandardCharsets.ISO_8859_1).replace("\r\n", "\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        all.writeBytes(("=== end of mail " + n + "\n\n").getBytes(StandardCharsets.UTF_8));
        Files.write(file, all.toByteArray(), StandardOpenOption.APPEND);
        received.add(new Received(n, from, to, subject(message)));
        return n;
    }

    private static String subject(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String headers = (end < 0 ? text : text.substring(0, end)).replaceAll("\r\n[ \t]+", " "); // unfold (RFC 5322 2.2.3)
        for (String l : headers.split("\r\n")) {
            if (l.isEmpty()) {
                break;
            }
            if (l.regionMatches(true, 0, "Subject:", 0, 8)) {
                try {
                    return jakarta.mail.internet.MimeUtility.decodeText(l.substring(8).strip());
                } catch (java.io.UnsupportedEncodingException e) {
                    return l.substring(8).strip();
                }
            }
        }
        return "";
    }

    /** Stops accepting, ends every connection and waits (bounded) for their threads. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : connections) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            acceptor.join(2000);
            for (Thread t : threads) {
                t.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
