package tandem.actions;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.config.Vip;

/**
 * The virtual IP on Linux, with iproute2 and iputils {@code arping} (Debian: {@code iproute2},
 * {@code iputils-arping}); needs root or CAP_NET_ADMIN + CAP_NET_RAW.
 *
 * <ol>
 *   <li>Duplicate address detection, RFC 5227 style: {@code arping -D -c 2 -w 2 -I IFACE ADDR} probes
 *       with sender address 0.0.0.0 and exits 1 when some host answers. Run without {@code -q} so
 *       the answer (with the other host's MAC) can be quoted.</li>
 *   <li>{@code ip addr add ADDR/PREFIX dev IFACE}; already there is fine.</li>
 *   <li>Gratuitous ARP, {@code arping -U -c 3 -I IFACE ADDR}, so switches and neighbours move the
 *       address to this node's MAC at once instead of when their ARP entries expire (keepalived does
 *       the same after a VRRP transition). A failure here is logged, not fatal: the address works,
 *       neighbours just learn it later.</li>
 * </ol>
 */
public final class LinuxVip implements VirtualIp {

    private static final Logger LOG = LoggerFactory.getLogger(LinuxVip.class);

    /** arping -D waits at most 2 s (-w 2); ip answers at once. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** "Unicast reply from 10.0.0.2 [3A:27:6D:0E:FF:F5]  0.525ms" */
    private static final Pattern REPLY = Pattern.compile("reply from \\S+ \\[([0-9A-Fa-f:]+)]");

    private final Vip vip;
    private final Commands commands;

    public LinuxVip(Vip vip, Commands commands) {
        this.vip = Objects.requireNonNull(vip, "vip");
        this.commands = Objects.requireNonNull(commands, "commands");
    }

    @Override
    public void acquire() throws ActionException {
        String addr = vip.address();
        String dev = vip.iface();
        if (!held()) {
            Commands.Result dad = commands.run(List.of("arping", "-D", "-c", "2", "-w", "2", "-I", dev, addr), TIMEOUT);
            if (dad.exitCode() == 1 && !dad.timedOut()) {
                Matcher m = REPLY.matcher(dad.stdout());
                String who = m.find() ? "reply from " + m.group(1).toLowerCase(java.util.Locale.ROOT)
                        : dad.firstLine(200);
                throw new ActionException(addr + " is already in use by another host on " + dev + " (arping: " + who
                        + ")");
            }
            if (!dad.ok()) {
                throw new ActionException("cannot check that " + addr + " is free on " + dev + ", so it was not taken: "
                        + why(dad, "arping"));
            }
            Commands.Result add = commands.run(List.of("ip", "addr", "add", cidr(), "dev", dev), TIMEOUT);
            if (!add.ok() && !alreadyThere(add)) {
                throw new ActionException("cannot add " + cidr() + " to " + dev + ": " + why(add, "ip"));
            }
        }
        Commands.Result garp = commands.run(List.of("arping", "-U", "-c", "3", "-I", dev, addr), TIMEOUT);
        if (!garp.ok()) {
            LOG.warn("holding {} on {}, but the gratuitous ARP failed ({}): neighbours learn the new owner only when"
                    + " their ARP entries expire", addr, dev, why(garp, "arping"));
        }
    }

    @Override
    public void release() throws ActionException {
        Commands.Result del = commands.run(List.of("ip", "addr", "del", cidr(), "dev", vip.iface()), TIMEOUT);
        if (del.ok()) {
            return;
        }
        if (!del.timedOut() && del.exitCode() != Commands.NOT_STARTED && !held()) {
            return; // it was not there (ip: "Cannot assign requested address" / "Address not found")
        }
        throw new ActionException("cannot remove " + cidr() + " from " + vip.iface() + ": " + why(del, "ip"));
    }

    @Override
    public boolean held() {
        Commands.Result r = commands.run(List.of("ip", "-o", "addr", "show", "dev", vip.iface()), TIMEOUT);
        if (!r.ok()) {
            return false;
        }
        String want = "inet " + vip.address() + "/";
        return r.stdout().lines().anyMatch(line -> line.contains(" " + want));
    }

    private String cidr() {
        return vip.address() + "/" + vip.prefixLength();
    }

    private static boolean alreadyThere(Commands.Result r) {
        String err = r.stderr();
        return !r.timedOut() && (err.contains("File exists") || err.contains("already assigned"));
    }

    private static String why(Commands.Result r, String program) {
        if (r.timedOut()) {
            return program + " did not finish within " + Durations.text(TIMEOUT);
        }
        if (r.exitCode() == Commands.NOT_STARTED) {
            return r.stderr().strip() + (program.equals("arping") ? " (Debian: apt-get install iputils-arping)" : "");
        }
        String said = r.firstLine(200);
        return program + " exit code " + r.exitCode() + (said.isEmpty() ? "" : ": " + said);
    }
}
