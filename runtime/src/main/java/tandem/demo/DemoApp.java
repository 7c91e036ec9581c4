package tandem.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The sample application of {@code tandem demo}: a tiny HTTP service that answers every request with
 * its node's name. Tandem starts and supervises it as a managed service of type {@code process}. Like
 * an application on a server that loses power, it ends when its node's Tandem process ends.
 *
 * <p>Usage: {@code DemoApp --name node1 --port 18081 [--bind 0.0.0.0]} (default: loopback only)
 */
public final class DemoApp {
    private DemoApp() {
    }

    public static void main(String[] args) throws IOException {
        String name = null;
        int port = -1;
        InetAddress bind = InetAddress.getLoopbackAddress();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--name" -> name = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--bind" -> bind = InetAddress.getByName(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (name == null || port < 1) {
            System.err.println("usage: DemoApp --name NAME --port PORT");
            System.exit(2);
        }
        String self = name;
        byte[] answer = (self + "\n").getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 50);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        System.out.println("demo app of " + self + " serving on " + bind.getHostAddress() + ":" + port);
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> {
            System.out.println("demo app of " + self + ": its node is gone, stopping");
            Runtime.getRuntime().halt(0);
        }));
    }
}
