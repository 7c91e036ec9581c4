import java.io.BufferedWriter;
import java.io.FileWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The client of bench/failover: polls http://HOST:PORT/ every INTERVAL ms, each poll on a fresh TCP
 * connection with its own TIMEOUT ms bound, so that polls overlap while the address does not answer and
 * the first answer after a takeover is seen within one interval. One line per finished poll is appended
 * to OUT: "start_us end_us answer", the answer being the body's first line or "-" (no answer). Runs for
 * at most LIMIT seconds. Usage: java FailoverClient.java HOST PORT INTERVAL_MS TIMEOUT_MS LIMIT_S OUT
 */
public final class FailoverClient {
    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        long interval = Long.parseLong(args[2]);
        int timeout = Integer.parseInt(args[3]);
        long limitMs = Long.parseLong(args[4]) * 1000;
        BufferedWriter out = new BufferedWriter(new FileWriter(args[5], StandardCharsets.UTF_8, true));
        int threads = (int) Math.min(256, timeout / Math.max(1, interval) + 8);
        ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "poll");
            t.setDaemon(true);
            return t;
        });
        ScheduledExecutorService tick = Executors.newSingleThreadScheduledExecutor();
        Runnable poll = () -> {
            long start = micros();
            String answer = get(host, port, timeout);
            long end = micros();
            synchronized (out) {
                try {
                    out.write(start + " " + end + " " + answer + "\n");
                } catch (IOException e) {
                    System.exit(3);
                }
            }
        };
        tick.scheduleAtFixedRate(() -> {
            if (pool.getActiveCount() < threads) { // never queue: a poll that cannot start now is skipped
                pool.execute(poll);
            }
        }, 0, interval, TimeUnit.MILLISECONDS);
        tick.scheduleAtFixedRate(() -> {
            synchronized (out) {
                try {
                    out.flush();
                } catch (IOException e) {
                    System.exit(3);
                }
            }
        }, 50, 50, TimeUnit.MILLISECONDS);
        Thread.sleep(limitMs);
        synchronized (out) {
            out.flush();
        }
        System.exit(0);
    }

    private static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
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
            if (!text.startsWith("HTTP/1.1 200") && !text.startsWith("HTTP/1.0 200") || body < 0) {
                return "-";
            }
            String name = text.substring(body + 4).strip();
            int nl = name.indexOf('\n');
            return (nl < 0 ? name : name.substring(0, nl)).strip().replace(' ', '_');
        } catch (IOException e) {
            return "-";
        }
    }
}
