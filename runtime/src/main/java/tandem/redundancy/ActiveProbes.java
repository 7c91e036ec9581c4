package tandem.redundancy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tandem.config.Checker;
import tandem.config.CheckerType;
import tandem.config.NodeConfig;
import tandem.config.Redundancy;
import tandem.config.When;

/**
 * The checkers a standby adds to its own (RED-9): a ping of {@code switchover.active-address} and a TCP
 * connection to {@code switchover.active-ssh-port} there, each only when {@code switchover.probes} lists it
 * ({@code ping}, {@code ssh}; both by default). They run like any checker (every check
 * interval, results to the engine) and only observe: whether the active counts as completely down, and
 * so whether a switchover is allowed, is the rules' to say (rules/redundancy/classify.drl). They are
 * never critical: the active's silence is no failure of this node.
 */
public final class ActiveProbes {
    /** The ping checker's name; its resource is {@code ping.active}. */
    public static final String PING = "active";
    /** The SSH port checker's name; its resource is {@code tcp.active-ssh}. */
    public static final String SSH = "active-ssh";

    private ActiveProbes() {
    }

    /** The probes of the active, for a standby; empty for every other node. */
    public static List<Checker> of(NodeConfig c) {
        Optional<Redundancy.Switchover> s = c.redundancy().flatMap(Redundancy::switchover);
        if (s.isEmpty()) {
            return List.of();
        }
        String address = s.get().activeAddress();
        String host = address.contains(":") ? "[" + address + "]" : address;
        List<Checker> probes = new ArrayList<>();
        for (Redundancy.Probe p : s.get().probes()) {
            probes.add(switch (p) {
                case PING -> new Checker(PING, CheckerType.PING, address, 1, false, When.ALWAYS, Optional.empty());
                case SSH -> new Checker(SSH, CheckerType.TCP, host + ":" + s.get().activeSshPort(), 1, false,
                        When.ALWAYS, Optional.empty());
            });
        }
        return List.copyOf(probes);
    }

    /**
     * Every checker the node runs: its {@code checkers:} in order, then the probes of the active, then the
     * built-in check of its own virtual IP ({@link tandem.checks.VipCheck#HELD}).
     */
    public static List<Checker> all(NodeConfig c) {
        List<Checker> all = new ArrayList<>(c.checkers());
        all.addAll(of(c));
        tandem.checks.VipCheck.held(c).ifPresent(all::add);
        return all;
    }

    /** The resources of the probes of the active, in the order ping, ssh; empty for every other node. */
    public static List<String> resources(NodeConfig c) {
        return of(c).stream().map(Checker::resource).toList();
    }

    /** The resource of the ping of the active ({@code ping.active}), when this node is a standby that pings it. */
    public static Optional<String> pingResource(NodeConfig c) {
        return of(c).stream().filter(k -> k.name().equals(PING)).map(Checker::resource).findFirst();
    }

    /** The resource of the SSH probe of the active ({@code tcp.active-ssh}), when this node is a standby that probes it. */
    public static Optional<String> sshResource(NodeConfig c) {
        return of(c).stream().filter(k -> k.name().equals(SSH)).map(Checker::resource).findFirst();
    }
}
