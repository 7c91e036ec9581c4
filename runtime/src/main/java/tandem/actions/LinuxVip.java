package tandem.actions;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.config.Durations;
import tandem.config.Vip;
import tandem.facts.ActionResult;
import tandem.os.Commands;

/**
 * The virtual IP on Linux, with iproute2 and iputils {@code arping} (Debian: {@code iproute2},
 * {@code iputils-arping}); needs root or CAP_NET_ADMIN + CAP_NET_RAW.
 *
 * <ol>
 *   <li>Duplicate address detection, RFC 5227 style but fast enough for a sub-second failover: one
 *       probe with sender address 0.0.0.0 and a bounded wait, {@code vip.probe-wait} (500 ms by default;
 *       a host on the LAN answers within a millisecond or two, but the wait also covers starting arping,
 *       which on a busy machine takes a good part of 100 ms; the wait is most of what a takeover adds to
 *       the failover timeout), i.e. {@code timeout -k 1 -s INT --preserve-status 0.5 arping -D -c 1 -w 1
 *       -I IFACE ADDR}. iputils arping (20221126, Debian 12) accepts only whole seconds for {@code -w}
 *       and {@code -i} ({@code -w 0.2} is "invalid argument", {@code -i 0} never ends), so a single
 *       probe would wait 1 s; coreutils {@code timeout} interrupts it with SIGINT after the wait
 *       instead, on which arping prints its summary and exits as it would at its deadline: 0 when nobody
 *       answered, 1 at once when a host answers (a LAN answers in well under a millisecond), 2 on an
 *       error such as a missing interface, 127 (from {@code timeout}) when arping is not installed. An
 *       arping that ignores SIGINT is killed a second later ({@code -k 1}) and counts as an error. Run
 *       without {@code -q} so the answer (with the other host's MAC) can be quoted. The answer is read
 *       from arping's summary ("Received 0 response(s)") as soon as it is printed
 *       ({@link Commands#runUntil}): arping's exit closes its packet socket, which waits ~15 ms for the
 *       kernel, time the takeover need not spend. A probe that did not go out is no answer: when the
 *       SIGINT came before arping had set up its signal handling (it dies of it: exit 130, no output)
 *       or before it had sent its probe ("Sent 0 probes"), both seen on a loaded machine, the probe is
 *       repeated, each time with twice the wait of the one before and at least {@link #RETRY_WAIT_MIN},
 *       up to {@link #PROBE_ATTEMPTS} probes in all (25 ms, 250 ms, 500 ms, 1 s; 500 ms, 1 s, 2 s, 4 s). The
 *       address is refused only when a host answers for it (the message names its MAC), so a free
 *       address is neither assumed without a probe nor called taken because a probe could not run.
 *       When the answering MAC is the one this node's neighbour table has for the peer's address
 *       ({@code ip neigh show to PEER dev IFACE}), the peer still holds the address (a frozen process
 *       whose host still answers ARP): that is a finding ({@link ActionResult#VIP_HELD_BY_PEER}) the
 *       rules decide on, and {@link #takeOver} takes the address without the probe when they say so.</li>
 *   <li>{@code ip addr add ADDR/PREFIX dev IFACE}; already there is fine.</li>
 *   <li>Gratuitous ARP, so switches and neighbours move the address to this node's MAC at once instead
 *       of when their ARP entries expire (keepalived does the same after a VRRP transition): one
 *       unsolicited request ({@code arping -U}) and one unsolicited reply ({@code arping -A}), each
 *       {@code timeout -k 1 -s INT --preserve-status 0.1 arping -U|-A -c 1 -I IFACE ADDR}. arping
 *       sends its packet at once and would then idle for its 1 s interval; interrupting it after
 *       {@link #ANNOUNCE_WAIT} keeps the whole announcement near 0.2 s instead of the 3 s that
 *       {@code -c 3} took, and sending both kinds covers neighbours that honour only one of them. A
 *       failure here is logged, not fatal: the address works, neighbours just learn it later. An
 *       announcement interrupted before it went out (exit 130, "Sent 0 probes") is sent again once with
 *       {@link #ANNOUNCE_RETRY_WAIT}.</li>
 * </ol>
 */
public final class LinuxVip implements VirtualIp {

    private static final Logger LOG = LoggerFactory.getLogger(LinuxVip.class);

    /** Bounds every command; arping is interrupted long before (vip.probe-wait, 100 ms), ip answers at once. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** {@code timeout --preserve-status}'s exit code when arping died of the SIGINT (128 + 2). */
    static final int INTERRUPTED = 130;

    /** How long each gratuitous ARP process may run; it sends its one packet at once. */
    static final String ANNOUNCE_WAIT = "0.1";

    /** The wait of an announcement repeated because the first had not gone out (a loaded machine). */
    static final String ANNOUNCE_RETRY_WAIT = "0.5";

    /** "Sent 0 probes (0 broadcast(s))": arping was interrupted before its probe went out. */
    private static final Pattern NOTHING_SENT = Pattern.compile("(?m)^Sent 0 probes");

    /** arping's summary, printed last: "Received 0 response(s)". */
    static final Pattern SUMMARY = Pattern.compile("(?m)^Received (\\d+) response");

    /** "Unicast reply from 10.0.0.2 [3A:27:6D:0E:FF:F5]  0.525ms" */
    private static final Pattern REPLY = Pattern.compile("reply from \\S+ \\[([0-9A-Fa-f:]+)]");

    /** "10.0.0.2 lladdr 3a:27:6d:0e:ff:f5 STALE", a line of {@code ip neigh show to ADDR dev IFACE}. */
    private static final Pattern NEIGHBOUR = Pattern.compile("\\blladdr ([0-9A-Fa-f:]+)");

    /** A dotted IPv4 address, the only kind of peer address the neighbour table is asked about. */
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Vip vip;
    private final String peerAddress;
    private final Commands commands;

    public LinuxVip(Vip vip, Commands commands) {
        this(vip, null, commands);
    }

    /**
     * @param peerAddress the peer's address ({@code peer.address}), or null: an answer to the duplicate
     *                    address probe from the MAC this node's neighbour table has for it means the
     *                    peer still holds the address
     */
    public LinuxVip(Vip vip, String peerAddress, Commands commands) {
        this.vip = Objects.requireNonNull(vip, "vip");
        this.peerAddress = peerAddress;
        this.commands = Objects.requireNonNull(commands, "commands");
    }

    @Override
    public void acquire() throws ActionException {
        String addr = vip.address();
        String dev = vip.iface();
        if (!held()) {
            Probe dad = probe(addr, dev);
            if (dad.taken()) {
                String peerMac = dad.mac().isEmpty() ? "" : peerMac(dev);
                if (!peerMac.isEmpty() && peerMac.equals(dad.mac())) {
                    // not a stranger: the peer (silent, perhaps frozen, its host still answering ARP)
                    // holds it; whether to take it over anyway is the rules' decision
                    throw ActionException.found(ActionResult.VIP_HELD_BY_PEER, addr + " is still held by the peer "
                            + peerAddress + " on " + dev + " (arping: reply from " + dad.mac() + ", the peer's MAC)");
                }
                throw new ActionException(addr + " is already in use by another host on " + dev + " (arping: "
                        + dad.detail() + ")");
            }
            if (!dad.free()) {
                throw new ActionException("cannot check that " + addr + " is free on " + dev + ", so it was not taken: "
                        + dad.detail());
            }
            add(dev);
        }
        announce(addr, dev);
    }

    @Override
    public void takeOver() throws ActionException {
        String addr = vip.address();
        String dev = vip.iface();
        add(dev);
        announce(addr, dev);
    }

    private void add(String dev) throws ActionException {
        Commands.Result add = commands.run(List.of("ip", "addr", "add", cidr(), "dev", dev), TIMEOUT);
        if (!add.ok() && !alreadyThere(add)) {
            throw new ActionException("cannot add " + cidr() + " to " + dev + ": " + why(add, "ip"));
        }
    }

    /** The MAC this node's neighbour table has for the peer's address on {@code dev}, lower case; empty if none. */
    private String peerMac(String dev) {
        if (peerAddress == null || !IPV4.matcher(peerAddress).matches()) {
            return "";
        }
        Commands.Result r = commands.run(List.of("ip", "neigh", "show", "to", peerAddress, "dev", dev), TIMEOUT);
        Matcher m = NEIGHBOUR.matcher(r.stdout());
        return r.ok() && m.find() ? m.group(1).toLowerCase(Locale.ROOT) : "";
    }

    private void announce(String addr, String dev) {
        for (String mode : List.of("-U", "-A")) {
            Commands.Result garp = commands.run(announce(ANNOUNCE_WAIT, mode, dev, addr), TIMEOUT);
            if (notSent(garp)) {
                garp = commands.run(announce(ANNOUNCE_RETRY_WAIT, mode, dev, addr), TIMEOUT);
            }
            if (!garp.ok() || NOTHING_SENT.matcher(garp.stdout()).find()) {
                LOG.warn("holding {} on {}, but the gratuitous ARP (arping {}) failed ({}): neighbours learn the new"
                        + " owner only when their ARP entries expire", addr, dev, mode,
                        garp.ok() ? "no packet sent" : why(garp, "arping"));
            }
        }
    }

    /**
     * What the duplicate address probe found: free (nobody answered), taken (somebody answered:
     * {@code detail} names the MAC) or neither ({@code detail} says why). A probe that did not run is
     * no answer either way, so it is run again, with {@link #retryWait} to start in, up to
     * {@link #PROBE_ATTEMPTS} probes in all.
     */
    record Probe(boolean free, boolean taken, String detail, String mac) {
    }

    /** How many probes are started at most before the address is called unchecked. */
    static final int PROBE_ATTEMPTS = 4;

    /** The least wait of a repeated probe: time for arping to start on a loaded machine. */
    static final Duration RETRY_WAIT_MIN = Duration.ofMillis(250);

    private Probe probe(String addr, String dev) {
        Duration wait = vip.probeWait();
        for (int attempt = 1; ; attempt++) {
            Commands.Result dad = commands.runUntil(probe(wait, dev, addr), TIMEOUT, SUMMARY);
            Probe p = read(dad);
            if (p != null) {
                return p;
            }
            if (attempt == PROBE_ATTEMPTS) {
                return new Probe(false, false,
                        "arping was interrupted before its probe went out, " + PROBE_ATTEMPTS + " times", "");
            }
            Duration next = retryWait(wait);
            LOG.warn("the duplicate address probe for {} on {} did not go out within {} ({}); probing again with {}"
                    + " to wait", addr, dev, Durations.format(wait),
                    dad.exitCode() == INTERRUPTED ? "arping exit code " + INTERRUPTED : "arping: Sent 0 probes",
                    Durations.format(next));
            wait = next;
        }
    }

    /** The wait of a probe repeated because the one before, which waited {@code last}, did not go out. */
    static Duration retryWait(Duration last) {
        Duration twice = last.multipliedBy(2);
        return twice.compareTo(RETRY_WAIT_MIN) >= 0 ? twice : RETRY_WAIT_MIN;
    }

    /** One probe's answer; null when the probe did not go out (interrupted first: exit 130, "Sent 0 probes"). */
    private static Probe read(Commands.Result dad) {
        Matcher summary = SUMMARY.matcher(dad.stdout());
        boolean summarised = summary.find() && !dad.timedOut();
        if (!summarised && dad.exitCode() == INTERRUPTED && !dad.timedOut()) {
            return null; // killed by the SIGINT before arping had set up its handler: nothing was sent
        }
        if (summarised && summary.group(1).equals("0") && NOTHING_SENT.matcher(dad.stdout()).find()) {
            return null; // interrupted after that, but still before its probe went out, and nobody spoke
        }
        // the summary's count of replies when arping printed one (runUntil returns on it, before arping's
        // exit, which takes ~15 ms more to close its packet socket), else what its exit code says (0
        // nobody answered, 1 somebody did)
        boolean free = summarised ? summary.group(1).equals("0") : dad.ok();
        boolean taken = summarised ? !free : dad.exitCode() == 1 && !dad.timedOut();
        if (free) {
            return new Probe(true, false, "", "");
        }
        if (taken) {
            Matcher m = REPLY.matcher(dad.stdout());
            String mac = m.find() ? m.group(1).toLowerCase(Locale.ROOT) : "";
            return new Probe(false, true, mac.isEmpty() ? dad.firstLine(200) : "reply from " + mac, mac);
        }
        return new Probe(false, false, why(dad, "arping"), "");
    }

    /**
     * One duplicate address probe, interrupted (SIGINT: arping reports and exits 0 or 1) after
     * {@code wait}; arping's own deadline ({@code -w}, whole seconds) is no shorter than the wait.
     */
    static List<String> probe(Duration wait, String dev, String addr) {
        long deadline = Math.max(1, (wait.toMillis() + 999) / 1000);
        return List.of("timeout", "-k", "1", "-s", "INT", "--preserve-status", seconds(wait), "arping", "-D", "-c",
                "1", "-w", String.valueOf(deadline), "-I", dev, addr);
    }

    /** {@code timeout}'s spelling of a duration: seconds with a decimal fraction, e.g. 0.025, 0.5, 1. */
    static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    /** An announcement interrupted before it went out: killed by the SIGINT (exit 130) or "Sent 0 probes". */
    private static boolean notSent(Commands.Result garp) {
        return !garp.timedOut() && (garp.exitCode() == INTERRUPTED
                || garp.ok() && NOTHING_SENT.matcher(garp.stdout()).find());
    }

    /** One gratuitous ARP ({@code -U} request or {@code -A} reply), interrupted once it went out. */
    static List<String> announce(String wait, String mode, String dev, String addr) {
        return List.of("timeout", "-k", "1", "-s", "INT", "--preserve-status", wait, "arping", mode, "-c",
                "1", "-I", dev, addr);
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
            return program + " did not finish within " + Durations.format(TIMEOUT);
        }
        if (r.exitCode() == Commands.NOT_STARTED) {
            // arping runs under coreutils timeout, which answers 127 itself when arping is missing
            String err = r.stderr().strip();
            String hint = !program.equals("arping") ? ""
                    : err.contains("cannot run timeout") ? " (Debian: apt-get install coreutils)"
                    : " (Debian: apt-get install iputils-arping)";
            return err + hint;
        }
        String said = r.firstLine(200);
        return program + " exit code " + r.exitCode() + (said.isEmpty() ? "" : ": " + said);
    }
}
