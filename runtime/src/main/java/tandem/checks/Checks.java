package tandem.checks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tandem.os.Commands;
import tandem.os.Os;
import tandem.config.Checker;
import tandem.config.NodeConfig;
import tandem.config.Witness;

/** Builds the node's {@link Check}s from its config (MS-7). */
public final class Checks {

    /** Network probes (tcp, ping, witness) wait at most this long, however long the interval. */
    static final Duration NETWORK_TIMEOUT = Duration.ofSeconds(2);

    /** Commands (custom, systemctl) run at most this long, however long the interval. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private Checks() {
    }

    /**
     * One check per {@code checkers:} entry, in config order, then a standby's probes of its active
     * ({@link tandem.redundancy.ActiveProbes}), then the witness ({@code ping.witness}
     * or {@code tcp.witness}) when the config has one. Programs (custom commands, systemctl, ping) run
     * through {@code runner}.
     */
    public static List<Check> of(NodeConfig c, Commands runner) {
        boolean icmpDirect = Os.windows() || privileged();
        Duration checkInterval = c.timings().checkInterval();
        List<Check> checks = new ArrayList<>();
        for (Checker k : tandem.redundancy.ActiveProbes.all(c)) {
            checks.add(of(k, k.interval().orElse(checkInterval), runner, icmpDirect));
        }
        c.witness().ifPresent(w -> checks.add(witness(w, min(checkInterval, NETWORK_TIMEOUT), runner, icmpDirect)));
        return checks;
    }

    private static Check of(Checker k, Duration interval, Commands runner, boolean icmpDirect) {
        String r = k.resource();
        return switch (k.type()) {
            case PROC -> new ProcCheck(r, k.target(), k.minCount());
            // systemctl may take a moment under load: at least 2 s even with a shorter interval
            case SERVICE -> new ServiceCheck(r, k.target(), min(max(interval, NETWORK_TIMEOUT), COMMAND_TIMEOUT),
                    runner, Os.windows());
            case TCP -> TcpCheck.of(r, k.target(), min(interval, NETWORK_TIMEOUT));
            case PING -> new PingCheck(r, k.target(), min(interval, NETWORK_TIMEOUT), runner, icmpDirect);
            case INTERFACE -> new InterfaceCheck(r, k.target());
            case VIP -> new VipCheck(r, k.target());
            case CUSTOM -> new CustomCheck(r, k.target(), min(interval, COMMAND_TIMEOUT), runner);
        };
    }

    private static Check witness(Witness w, Duration timeout, Commands runner, boolean icmpDirect) {
        return w.port() == 0
                ? new PingCheck(w.resource(), w.address(), timeout, runner, icmpDirect)
                : new TcpCheck(w.resource(), w.address(), w.port(), timeout);
    }

    /**
     * Whether this process may open raw sockets, i.e. runs as root (effective uid 0 in
     * {@code /proc/self/status}); false where that cannot be read.
     */
    static boolean privileged() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).trim().split("\\s+");
                    return ids.length > 1 && ids[1].equals("0");
                }
            }
        } catch (IOException e) {
            // not Linux, or /proc not mounted: assume no privilege, the ping command works either way
        }
        return false;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
