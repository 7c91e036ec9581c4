package tandem.actions;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Bounded waiting for something the OS does in its own time (a process appearing in /proc). */
public final class Await {
    private Await() {
    }

    /**
     * Whether a process has ended. A killed orphan stays a zombie until init reaps it, and a container's
     * init may never do that, so a zombie counts as ended although {@link ProcessHandle#isAlive} says no.
     */
    public static boolean gone(ProcessHandle p) {
        if (!p.isAlive()) {
            return true;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + p.pid() + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException | RuntimeException e) {
            return !p.isAlive();
        }
    }

    /** Polls {@code condition} every 10 ms until it holds; fails after {@code bound}. */
    public static void until(Duration bound, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + bound + ": " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }
}
