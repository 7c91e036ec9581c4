package tandem.node;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sd_notify} through libsystemd (JNA), for the unit {@code conf/tandem@.service}
 * ({@code Type=notify}, {@code WatchdogSec}): READY=1 once the node runs, STOPPING=1 on shutdown,
 * and WATCHDOG=1 from the engine's own thread after its cycles, so a hung engine stops feeding the
 * watchdog and systemd restarts the node. Outside systemd (no {@code NOTIFY_SOCKET}) it does nothing.
 */
public final class SystemdNotify {
    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotify.class);

    interface LibSystemd extends Library {
        int sd_notify(int unsetEnvironment, String state);
    }

    private final LibSystemd lib;
    private final long watchdogNanos;
    private volatile long lastPing;

    private SystemdNotify(LibSystemd lib, long watchdogNanos) {
        this.lib = lib;
        this.watchdogNanos = watchdogNanos;
    }

    /** The notifier for this process: a live one under systemd, else one that does nothing. */
    public static SystemdNotify fromEnvironment() {
        if (System.getenv("NOTIFY_SOCKET") == null) {
            return new SystemdNotify(null, 0);
        }
        try {
            LibSystemd lib = Native.load("systemd", LibSystemd.class);
            String usec = System.getenv("WATCHDOG_USEC");
            long watchdog = usec == null ? 0 : Long.parseLong(usec.trim()) * 1_000;
            return new SystemdNotify(lib, watchdog);
        } catch (UnsatisfiedLinkError | NumberFormatException e) {
            LOG.warn("NOTIFY_SOCKET is set but libsystemd cannot be used ({}); systemd will not hear from Tandem", e.getMessage());
            return new SystemdNotify(null, 0);
        }
    }

    public void ready(String status) {
        send("READY=1\nSTATUS=" + status);
    }

    public void stopping() {
        send("STOPPING=1");
    }

    public void status(String status) {
        send("STATUS=" + status);
    }

    /** Called after every engine cycle; pings at half the watchdog period. */
    public void alive() {
        if (watchdogNanos <= 0) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastPing >= watchdogNanos / 2) {
            lastPing = now;
            send("WATCHDOG=1");
        }
    }

    private void send(String state) {
        if (lib != null) {
            lib.sd_notify(0, state);
        }
    }
}
