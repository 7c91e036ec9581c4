package tandem.checks;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Objects;
import tandem.facts.ProbeResult;

/** {@code interface}: the network interface with this name exists and is up. Answers at once. */
public final class InterfaceCheck implements Check {

    private final String resource;
    private final String name;

    public InterfaceCheck(String resource, String name) {
        this.resource = Objects.requireNonNull(resource, "resource");
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public String resource() {
        return resource;
    }

    @Override
    public ProbeResult probe(long now) {
        try {
            NetworkInterface ni = NetworkInterface.getByName(name);
            if (ni == null) {
                return new ProbeResult(resource, false, "no interface " + name, now);
            }
            boolean up = ni.isUp();
            return new ProbeResult(resource, up, name + (up ? " is up" : " is down"), now);
        } catch (SocketException e) {
            return new ProbeResult(resource, false, name + ": " + e.getMessage(), now);
        }
    }
}
