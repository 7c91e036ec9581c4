package tandem.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.config.Service;
import tandem.node.NodeRuntime;

/** {@code tandem run --config FILE}: one node in the foreground, until SIGTERM or SIGINT. */
final class Run {
    private Run() {
    }

    static int run(Path home, Path configFile, PrintStream err) {
        NodeConfig c = ConfigLoader.load(configFile);
        NodeRuntime node = NodeRuntime.start(home, c);
        // a stopping service manager gets what an operator stop does: services stopped, VIP released,
        // the peer told; bounded by the services' stop timeouts
        long waitMs = c.services().stream().map(Service::stopTimeout).mapToLong(Duration::toMillis).sum() + 5_000;
        CountDownLatch down = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.shutdown(waitMs);
            down.countDown();
        }, "tandem-shutdown"));
        try {
            down.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
