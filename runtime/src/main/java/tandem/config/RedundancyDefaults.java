package tandem.config;

import java.time.Duration;

/**
 * The defaults and bounds of YAML {@code redundancy:} ({@link Redundancy}), beside
 * {@link ProfileDefaults} for the rest of a node file. A value given in the YAML always overrides
 * its default.
 */
public final class RedundancyDefaults {
    private RedundancyDefaults() {
    }

    /** {@code backup.keep}: a few archives locally, so a bad backup still leaves good ones to send. */
    public static final int KEEP = 3;

    public static final int KEEP_MAX = 100;

    /** {@code backup.window.duration} at most: a longer daily window would leave the schedule no room. */
    public static final Duration WINDOW_MAX = Duration.ofHours(23);

    /** {@code schedule.every} at most: beyond 1000 units a schedule is a mistake, not a policy. */
    public static final int EVERY_MAX = 1000;

    /** {@code transfer.attempts}: the manual gives no default; three tries ride out a brief outage. */
    public static final int ATTEMPTS = 3;

    /**
     * {@code transfer.attempts} at most: the manual sets no bound, but with its 5-minute wait ten
     * attempts already span 45 minutes, and a transfer must finish before the next scheduled run.
     */
    public static final int ATTEMPTS_MAX = 10;

    /** {@code transfer.retry-wait}: RED-4, "a fixed wait of 5 minutes between the attempts". */
    public static final Duration RETRY_WAIT = Duration.ofMinutes(5);

    /** {@code transfer.retry-wait} bounds; below the manual's 5 minutes only for tests and demos. */
    public static final Duration RETRY_WAIT_MIN = Duration.ofSeconds(1);

    public static final Duration RETRY_WAIT_MAX = Duration.ofHours(1);

    /** {@code transfer.mails}: off, like the manual's unchecked "E-Mails senden" box. */
    public static final boolean MAILS = false;

    /** {@code standby.ssh-port} and {@code switchover.active-ssh-port}: OpenSSH's port. */
    public static final int SSH_PORT = 22;

    /** {@code standby.user}: RED-6, "the SSH user is always root unless it was changed". */
    public static final String USER = "root";

    /** {@code standby.known-hosts}: the file name inside {@code node.state-dir}. */
    public static final String KNOWN_HOSTS = "known_hosts";

    /**
     * {@code switchover.down-for}: RED-9 allows a switchover only when the active is completely down;
     * a minute without heartbeat, ping and SSH answer rules out a reboot's or a network blip's gap
     * in the answers, and matches the profile's failover timeout.
     */
    public static final Duration DOWN_FOR = Duration.ofSeconds(60);

    /** {@code switchover.down-for} bounds: shorter is a blip, longer keeps the phones down for nothing. */
    public static final Duration DOWN_FOR_MIN = Duration.ofSeconds(5);

    public static final Duration DOWN_FOR_MAX = Duration.ofHours(1);

    /** {@code rollback.timeout}: a full backup or import of an appliance takes minutes, not hours. */
    public static final Duration ROLLBACK_TIMEOUT = Duration.ofMinutes(30);

    /** {@code rollback.timeout} bounds. */
    public static final Duration ROLLBACK_TIMEOUT_MIN = Duration.ofMinutes(1);

    public static final Duration ROLLBACK_TIMEOUT_MAX = Duration.ofHours(12);

    /**
     * {@code switchover.probes}: both, as the manual says ("completely down": no answer on ping and on its
     * SSH port), so no single channel that happens to be silent can allow a switchover.
     */
    public static final java.util.List<Redundancy.Probe> PROBES = java.util.List.of(Redundancy.Probe.PING,
            Redundancy.Probe.SSH);
}
