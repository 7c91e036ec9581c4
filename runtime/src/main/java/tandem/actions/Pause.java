package tandem.actions;

import java.time.Duration;

/**
 * Waits between two polls of an OS that offers no bounded blocking wait (the Windows service control
 * manager, like {@code sc.exe} and JNA's own {@code W32Service}, is polled). Injected so that tests
 * run on a fake clock instead of real time (the jgroups-raft TimeService rationale in STYLE.md).
 */
interface Pause {
    void pause(Duration d) throws InterruptedException;

    /** Real waiting: the one place in the actions that blocks on time rather than on an event. */
    Pause REAL = d -> Thread.sleep(d.toMillis());
}
