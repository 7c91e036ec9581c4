package tandem;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The runtime's background threads: daemons, so none keeps a stopping node alive, each named for jstack and logs. */
public final class Daemons {
    private Daemons() {
    }

    /** Daemon threads called {@code name}. */
    public static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** One daemon thread working off a queue in order, started when needed and ended after 30 s idle. */
    public static ThreadPoolExecutor single(String name) {
        ThreadPoolExecutor e = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), named(name));
        e.allowCoreThreadTimeOut(true);
        return e;
    }
}
