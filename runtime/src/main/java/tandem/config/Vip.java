package tandem.config;

import java.time.Duration;
import java.util.Objects;

/**
 * YAML {@code vip:}, optional: the virtual IPv4 address held by whichever node is PRIM or ALONE (MS-6).
 *
 * @param address      required; the IPv4 address without prefix, e.g. {@code 192.168.178.249} (the YAML
 *                     value may carry the prefix: {@code 192.168.178.249/24})
 * @param prefixLength 1..32, from the YAML {@code address}; default 24 when the address has none
 * @param iface        YAML {@code interface}, required; the network interface to add the address to
 * @param probeWait    YAML {@code probe-wait}, {@link ProfileDefaults#VIP_PROBE_WAIT} by default: how long
 *                     the duplicate address probe before a takeover waits for a host to answer for the
 *                     address (it includes starting the probe, so a loaded machine needs more)
 */
public record Vip(String address, int prefixLength, String iface, Duration probeWait) {
    public Vip {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(iface, "iface");
        Objects.requireNonNull(probeWait, "probeWait");
    }

    /** With the default probe wait. */
    public Vip(String address, int prefixLength, String iface) {
        this(address, prefixLength, iface, ProfileDefaults.VIP_PROBE_WAIT);
    }
}
