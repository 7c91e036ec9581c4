package tandem.actions;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import tandem.config.Durations;
import tandem.config.Vip;
import tandem.os.Commands;

/**
 * The virtual IP on Windows with {@code netsh interface ipv4 add|delete address}; needs an
 * administrator. Before taking it, {@code ping -n 1 -w 1000 ADDR} must get no reply (Windows then
 * runs its own duplicate address detection when the address is added).
 */
public final class WindowsVip implements VirtualIp {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Vip vip;
    private final Commands commands;

    public WindowsVip(Vip vip, Commands commands) {
        this.vip = Objects.requireNonNull(vip, "vip");
        this.commands = Objects.requireNonNull(commands, "commands");
    }

    @Override
    public void acquire() throws ActionException {
        if (held()) {
            return;
        }
        String addr = vip.address();
        Commands.Result ping = commands.run(List.of("ping", "-n", "1", "-w", "1000", addr), TIMEOUT);
        // "Destination host unreachable" also exits 0 on Windows: only an echo reply carries a TTL
        if (ping.stdout().contains("TTL=")) {
            throw new ActionException(addr + " is already in use by another host on " + vip.iface()
                    + " (ping: " + ping.firstLine(200) + ")");
        }
        netsh("add", List.of("netsh", "interface", "ipv4", "add", "address", vip.iface(), addr,
                mask(vip.prefixLength())));
    }

    /** Adds the address without the ping check (Windows' own duplicate address detection may still refuse it). */
    @Override
    public void takeOver() throws ActionException {
        if (held()) {
            return;
        }
        netsh("add", List.of("netsh", "interface", "ipv4", "add", "address", vip.iface(), vip.address(),
                mask(vip.prefixLength())));
    }

    @Override
    public void release() throws ActionException {
        if (!held()) {
            return;
        }
        netsh("remove", List.of("netsh", "interface", "ipv4", "delete", "address", vip.iface(), vip.address()));
    }

    @Override
    public boolean held() {
        try {
            return NetworkInterface.getByInetAddress(InetAddress.getByName(vip.address())) != null;
        } catch (UnknownHostException | SocketException e) {
            return false;
        }
    }

    private void netsh(String verb, List<String> argv) throws ActionException {
        Commands.Result r = commands.run(argv, TIMEOUT);
        if (!r.ok()) {
            String why = r.timedOut() ? "netsh did not finish within " + Durations.format(TIMEOUT)
                    : "netsh exit code " + r.exitCode() + ": " + r.firstLine(200);
            throw new ActionException("cannot " + verb + " " + vip.address() + " on " + vip.iface() + ": " + why);
        }
    }

    /** The dotted netmask of a prefix length: 24 -> 255.255.255.0. */
    static String mask(int prefixLength) {
        long m = prefixLength == 0 ? 0 : (0xffffffffL << (32 - prefixLength)) & 0xffffffffL;
        return (m >> 24) + "." + ((m >> 16) & 0xff) + "." + ((m >> 8) & 0xff) + "." + (m & 0xff);
    }
}
