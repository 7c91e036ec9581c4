package tandem.actions;

import java.util.Optional;
import tandem.config.NodeConfig;
import tandem.os.Commands;
import tandem.os.Os;

/** Builds the node's {@link VirtualIp} for the OS it runs on (by {@code os.name}). */
public final class VirtualIps {
    private VirtualIps() {
    }

    /** The VIP of {@code c}, or empty when the config has none. */
    public static Optional<VirtualIp> of(NodeConfig c, Commands cmds) {
        return c.vip().map(v -> Os.windows() ? new WindowsVip(v, cmds) : new LinuxVip(v, c.peer().address(), cmds));
    }
}
