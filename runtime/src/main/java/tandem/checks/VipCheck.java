package tandem.checks;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Objects;
import tandem.facts.ProbeResult;

/**
 * {@code vip}: the address (a prefix such as {@code /24} is ignored) is configured on one of this
 * node's interfaces (MS-6). Reads the OS's address list; answers at once.
 */
public final class VipCheck implements Check {

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
