package tandem.checks;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Objects;
import tandem.config.Checker;
import tandem.config.CheckerType;
import tandem.config.NodeConfig;
import tandem.config.When;
import tandem.facts.ProbeResult;

/**
 * {@code vip}: the address (a prefix such as {@code /24} is ignored) is configured on one of this
 * node's interfaces (MS-6). Reads the OS's address list; answers at once.
 */
public final class VipCheck implements Check {
    /**
     * The check every node with a {@code vip} runs in every state, besides the site's checkers: resource
     * {@code vip.held}, never critical. The rules release an address a node holds while it is not active
     * (left by a run that ended without releasing it, e.g. killed; rules/pair/vip.drl).
     */
    public static final String HELD = "vip.held";

    /** The built-in check of the node's own virtual IP, when it has one. */
    public static java.util.Optional<Checker> held(NodeConfig c) {
        return c.vip().map(v -> new Checker("held", CheckerType.VIP, v.address(), 1, false, When.ALWAYS,
                java.util.Optional.empty()));
    }

    private final String resource;
    private final String address;

    public VipCheck(String resource, String address) {
        this.resource = Objects.requireNonNull(resource, "resource");
        int slash = address.indexOf('/');
        this.address = slash < 0 ? address : address.substring(0, slash);
    }

    @Override
    public String resource() {
        return resource;
    }

    @Override
    public ProbeResult probe(long now) {
        try {
            NetworkInterface ni = NetworkInterface.getByInetAddress(InetAddress.getByName(address));
            if (ni == null) {
                return new ProbeResult(resource, false, address + " is not on any local interface", now);
            }
            return new ProbeResult(resource, true, address + " is on " + ni.getName(), now);
        } catch (UnknownHostException e) {
            return new ProbeResult(resource, false, address + ": unknown host", now);
        } catch (SocketException e) {
            return new ProbeResult(resource, false, address + ": " + e.getMessage(), now);
        }
    }
}
