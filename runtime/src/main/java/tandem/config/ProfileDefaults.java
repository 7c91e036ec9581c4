package tandem.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Every default of a node file, in one place. Values that differ by profile are the components of
 * this record (one constant per profile); values shared by all profiles are the static constants
 * below. A value given in the YAML always overrides its default.
 *
 * @param port              default {@code listen.port} and {@code peer.port}
 * @param heartbeatInterval default {@code timings.heartbeat-interval}
 * @param checkInterval     default {@code timings.check-interval}
 * @param failoverTimeout   default {@code timings.failover-timeout}
 * @param rise              default {@code timings.rise}
 * @param fall              default {@code timings.fall}
 * @param replication       default {@code replication.mode}
 */
public record ProfileDefaults(int port, Duration heartbeatInterval, Duration checkInterval, Duration failoverTimeout,
        int rise, int fall, ReplicationMode replication) {

    public static final ProfileDefaults MS_FAILOVER = new ProfileDefaults(
            // Tandem's own peer-link port; the original product's setup wizard needs a fixed port that
            // another service may hold (MS-11), so it is a setting and not 9001 like the original
            7401,
            // one heartbeat per check, so a silent peer is noticed as quickly as a failed service
            Duration.ofSeconds(1),
            // MS-3: "availability is checked every second"
            Duration.ofSeconds(1),
            // MS-3: "the primary counts as failed after 30 s without availability"
            Duration.ofSeconds(30),
            // keepalived's customary rise 2 / fall 3: one good probe is not recovery, one lost probe
            // is not failure; 3 s of fall is far inside the 30 s budget of MS-3
            2,
            3,
            // MS-4: "while both nodes run, the primary's data is replicated to the secondary"
            ReplicationMode.CONTINUOUS);

    public static final ProfileDefaults SBS = new ProfileDefaults(
            // SBS-1: "the service tries a TCP connection to its peer (default port 4445)"
            4445,
            // the secondary stays connected (SBS-2); a 1 s heartbeat notices a lost connection fast
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            // SBS-2: takeover on connection loss; the manual gives no figure, 10 s tolerates a few lost
            // heartbeats (brief network hiccups) yet keeps the label-print service outage short
            Duration.ofSeconds(10),
            // same hysteresis as ms-failover; 1 s x 3 = 3 s < 10 s
            2,
            3,
            // SBS-4: "every period ... the primary sends the changed files"
            ReplicationMode.PERIODIC);

    public static final ProfileDefaults REDUNDANCY = new ProfileDefaults(
            // Tandem's choice, next to ms-failover's so firewall rules can cover the range
            7403,
            // RED-9: no automatic failover, the heartbeat only feeds the status and the "active node
            // completely down" precondition of a switchover, so a slower beat is enough
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            // RED-9: "completely down" must mean down for a while, not one lost packet; 5 s x 3 = 15 s
            // and 5 s x 2 = 10 s are both well below it
            Duration.ofSeconds(60),
            2,
            3,
            // RED-1: a full backup "on a schedule", transferred and imported: periodic by nature
            ReplicationMode.PERIODIC);

    /** {@code timings.max-clock-skew}: MS-12, "the clocks of the nodes must differ by less than 5 s". */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(5);

    /**
     * {@code rules.loop-guard.actions} and {@code .within}: the shipped rules ask for one action at most a
     * few times a minute (a resync retried every 5 s is the most); a rule asking for more than 20 in a
     * minute answers its own results or every check, which is a loop, not a policy.
     */
    public static final int LOOP_GUARD_ACTIONS = 20;

    public static final Duration LOOP_GUARD_WITHIN = Duration.ofSeconds(60);

    /** {@code node.priority}: equal priorities fall back to the rules' own tie-break (SBS-11). */
    public static final int PRIORITY = 0;

    /** {@code node.role}: SBS-3, "without either option the mode is symmetric". */
    public static final Role ROLE = Role.SYMMETRIC;

    /** {@code node.backup-license}: SBS-12 applies only where the site says the backup license is installed. */
    public static final boolean BACKUP_LICENSE = false;

    /** {@code node.boot-start}: Tandem runs as a service that starts at boot when enabled (GEN-2, MS-8). */
    public static final boolean BOOT_START = true;

    /** {@code node.state-dir} is {@code state/<id>}, so two nodes tried on one machine do not collide. */
    public static final String STATE_DIR_PARENT = "state";

    /** {@code listen.address} and {@code console.address}: all interfaces, like the original products. */
    public static final String ANY_ADDRESS = "0.0.0.0";
    /** Where the console and HTTP API listen when neither they nor the peer link name an address. */
    public static final String LOOPBACK = "127.0.0.1";

    /** {@code witness.port}: 0 = ICMP echo, the check MS-12 names ("the peer answers ICMP/TCP"). */
    public static final int WITNESS_PORT = 0;

    /** {@code checkers[].min-count}: one running process is enough unless the site says otherwise. */
    public static final int MIN_COUNT = 1;

    /** {@code checkers[].critical}: MS-13, stopping the managed service on the primary leads to failover. */
    public static final boolean CRITICAL = true;

    /** {@code services[].start-timeout}: MS-3 notes the failover time depends on the service's start time. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** {@code services[].stop-timeout}: a stop hangs more rarely than a start, half as long is enough. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** {@code fencing.timeout}: a power switch or a hypervisor's API answers within seconds; an SSH stop of a hung host may not. */
    public static final Duration FENCING_TIMEOUT = Duration.ofSeconds(30);

    /** {@code vip.address} prefix when none is given: the /24 of the manual's example 192.168.178.249. */
    public static final int VIP_PREFIX = 24;

    /**
     * {@code vip.probe-wait}: the duplicate address probe's wait covers starting arping, its probe and
     * the answer. A LAN answers within a millisecond or two, but on a busy machine starting the probe
     * alone can take a good part of 100 ms, and an answer that comes after the wait is missed; half a
     * second is safe there and small beside any failover timeout. A fast pair on an idle machine may
     * set less.
     */
    public static final Duration VIP_PROBE_WAIT = Duration.ofMillis(500);

    /** {@code vip.probe-wait} bounds: below 10 ms arping cannot even start; above 5 s is no longer a wait. */
    public static final Duration VIP_PROBE_WAIT_MIN = Duration.ofMillis(10);

    public static final Duration VIP_PROBE_WAIT_MAX = Duration.ofSeconds(5);

    /** {@code replication.interval}: SBS-4's period and ms-failover's safety-net comparison. */
    public static final Duration REPLICATION_INTERVAL = Duration.ofSeconds(60);

    /** {@code replication.external-database}: MS-5 is the exception, a local database is the norm. */
    public static final boolean EXTERNAL_DATABASE = false;

    /** {@code replication.folders[].include}: the whole folder. */
    public static final List<String> INCLUDE = List.of("**");

    /** {@code replication.folders[].exclude}: nothing. */
    public static final List<String> EXCLUDE = List.of();

    /** {@code replication.folders[].strict}: SBS-6 makes deletion an option, off by default (never lose data, GEN-4). */
    public static final boolean STRICT = false;

    /** {@code replication.folders[].keep-timestamps}: SBS-7 makes it an option, off by default. */
    public static final boolean KEEP_TIMESTAMPS = false;

    /** {@code mail.port}: SBS-8, "port (default 25)". */
    public static final int MAIL_PORT = 25;

    /** {@code mail.security}: SBS-8 makes SSL/TLS optional. */
    public static final MailSecurity MAIL_SECURITY = MailSecurity.NONE;

    /** {@code console.enabled}: MS-8, the console is how operators run Start, Stop and Swap. */
    public static final boolean CONSOLE_ENABLED = true;

    /** {@code console.port}: MS-8, "web console on port 9010". */
    public static final int CONSOLE_PORT = 9010;

    /**
     * {@code console.protocol}: MS-8, "HTTP or HTTPS". HTTPS, with the site's keystore or a certificate the
     * node makes at its first start; HTTP only when the site says so, or on a loopback address.
     */
    public static final ConsoleProtocol CONSOLE_PROTOCOL = ConsoleProtocol.HTTPS;

    /** {@code console.user}: MS-8, "user admin". */
    public static final String CONSOLE_USER = "admin";

    /**
     * {@code console.read-timeout}: a client has this long to send a whole request; ample for any
     * client on a busy machine, short enough that slow clients cannot hold the API.
     */
    public static final java.time.Duration CONSOLE_READ_TIMEOUT = java.time.Duration.ofSeconds(10);

    /** {@code console.idle-timeout}: a kept-alive API connection with no request for this long is closed. */
    public static final java.time.Duration CONSOLE_IDLE_TIMEOUT = java.time.Duration.ofSeconds(60);

    /** {@code console.max-connections}: API connections open at once; both nodes' status and a console need few. */
    public static final int CONSOLE_MAX_CONNECTIONS = 32;

    public ProfileDefaults {
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(checkInterval, "checkInterval");
        Objects.requireNonNull(failoverTimeout, "failoverTimeout");
        Objects.requireNonNull(replication, "replication");
    }

    /** The defaults of {@code profile}. */
    public static ProfileDefaults of(Profile profile) {
        return switch (profile) {
            case MS_FAILOVER -> MS_FAILOVER;
            case SBS -> SBS;
            case REDUNDANCY -> REDUNDANCY;
        };
    }
}
