package tandem.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The client of {@link NetnsClusterTest}, run inside the client's network namespace
 * ({@code ip netns exec NS java -cp ... tandem.node.NetnsPoller HOST PORT INTERVAL_MS TIMEOUT_MS LIMIT_S}).
 * Every INTERVAL ms it starts a poll of {@code http://HOST:PORT/} on a fresh TCP connection bounded by
 * TIMEOUT ms (polls overlap while nobody answers, so an answer is seen within one interval of being
 * possible) and prints one line per finished poll: {@code START_MS END_MS ANSWER}, epoch milliseconds
 * and the body's first line, or {@code -} for no answer. Ends by itself after LIMIT s, or when its
 * standard input closes (the test ended).
 */
public final class NetnsPoller {
    private NetnsPoller() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        long interval = Long.parseLong(args[2]);
        int timeout = Integer.parseInt(args[3]);
        long limitMs = Long.parseLong(args[4]) * 1000;
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        int threads = (int) Math.min(64, timeout / Math.max(1, interval) + 4);
        ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "poll");
            t.setDaemon(true);
            return t;
        });
        ScheduledExecutorService tick = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tick");
            t.setDaemon(true);
            return t;
        });
        tick.scheduleAtFixedRate(() -> {
            if (pool.getActiveCount() < threads) {
                pool.execute(() -> {
                    long start = System.currentTimeMillis();
                    String answer = get(host, port, timeout);
                    out.println(start + " " + System.currentTimeMillis() + " " + answer);
                });
            }
        }, 0, interval, TimeUnit.MILLISECONDS);
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the test never writes; end of input means it is gone
                }
            } catch (IOException e) {
                // same
            }
            System.exit(0);
        }, "stdin");
        stdin.setDaemon(true);
        stdin.start();
        Thread.sleep(limitMs);
        System.exit(0);
    }

    private static String get(String host, int port, int timeout) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeout);
            s.setSoTimeout(timeout);
            OutputStream o = s.getOutputStream();
            o.write(("GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream in = s.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int body = text.indexOf("\r\n\r\n");
            if (body < 0 || !text.startsWith("HTTP/1.1 200") && !text.startsWith("HTTP/1.0 200")) {
                return "-";
            }
            String name = text.substring(body + 4).strip();
            int nl = name.indexOf('\n');
            String first = (nl < 0 ? name : name.substring(0, nl)).strip();
            return first.isEmpty() ? "-" : first.replace(' ', '_');
        } catch (IOException e) {
            return "-";
        }
    }
}
