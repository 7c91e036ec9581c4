package tandem.routes;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hand-written doubles for the beans the runtime binds (engine, commands, actions), recording their
 * calls, plus the paths and properties route tests share.
 */
final class TestBeans {
    /** The request or command name that makes a double throw, to exercise the shared error handler. */
    static final String FAIL = "fail";

    final Engine engine = new Engine();
    final Commands commands = new Commands();
    final Actions actions = new Actions();

    Map<String, Object> beans() {
        return Map.of("engine", engine, "commands", commands, "actions", actions);
    }

    /** What the runtime supplies for the routes' placeholders; an hour, so a real timer never fires in a test. */
    static Properties properties() {
        Properties properties = new Properties();
        properties.setProperty("tandem.check-interval-ms", "3600000");
        return properties;
    }

    /** The project root: surefire sets tandem.home; from an IDE the module dir's parent. */
    static Path home() {
        return Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
    }

    static Path commonRoutes() {
        return home().resolve("routes").resolve("common");
    }

    public static final class Engine {
        final AtomicInteger ticks = new AtomicInteger();
        final List<Object> observed = new CopyOnWriteArrayList<>();

        public void observe(Object observation) {
            observed.add(observation);
        }

        public Object tick() {
            ticks.incrementAndGet();
            return null;
        }
    }

    public static final class Commands {
        final List<String> submitted = new CopyOnWriteArrayList<>();

        public Object submit(String name) {
            submitted.add(name);
            if (FAIL.equals(name)) {
                throw new IllegalStateException("commands bean broke on " + name);
            }
            return "accepted " + name;
        }

        /** An overload like the real engine's (name, origin): the routes must still pick submit(String). */
        public Object submit(String name, String origin) {
            throw new AssertionError("the command routes call submit(name), not submit(" + name + ", " + origin + ")");
        }
    }

    public static final class Actions {
        final List<Object> performed = new CopyOnWriteArrayList<>();

        public Object perform(Object actionRequest) {
            performed.add(actionRequest);
            if (FAIL.equals(actionRequest)) {
                throw new IllegalStateException("actions bean broke on " + actionRequest);
            }
            return "done " + actionRequest;
        }
    }
}
