package tandem.link;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Bounded polling: 10 ms polls for at most 5 s, optionally doing something (sending a heartbeat) each poll. */
final class Await {
    static final Duration LIMIT = Duration.ofSeconds(5);
    private static final long POLL_NANOS = Duration.ofMillis(10).toNanos();

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        until(what, condition, () -> { });
    }

    static void until(String what, BooleanSupplier condition, Runnable eachPoll) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (true) {
            eachPoll.run();
            if (condition.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                fail("waited " + LIMIT.toSeconds() + " s for " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
