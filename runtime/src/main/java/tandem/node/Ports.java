package tandem.node;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import tandem.os.Commands;
import tandem.actions.Mailer;
import tandem.config.NodeConfig;
import tandem.facts.Heartbeat;
import tandem.link.LinkState;
import tandem.replication.SyncException;
import tandem.replication.SyncTransport;

/**
 * What a node's beans act on outside the process: the operating system's commands, the peer link,
 * the sync channel and the mail server. {@code tandem run} plugs in the real ones; {@code tandem check}
 * {@link #inert} ones, so that it builds the very beans a running node binds without touching anything.
 *
 * @param commands   runs the OS commands of services, virtual IP, checkers, hooks and fencing
 * @param appLogs    where process services write their application log
 * @param tls        the peer link's TLS context, when {@code peer.tls} is configured
 * @param peer       the peer link
 * @param sync       the standby's way to the active node's sync channel
 * @param mailer     the mail sender of the moment (it changes when {@code mail:} is edited), or null without one
 * @param configView what the node says about changes of its configuration file (for {@code /api/status})
 * @param console    the console's HTTPS ({@link ConsoleTls}), when {@code console.protocol} is https and the
 *                   node runs (a check makes no certificate)
 */
public record Ports(Commands commands, Path appLogs, Optional<SSLContext> tls, Peer peer, SyncTransport sync,
                    Supplier<Mailer> mailer, Supplier<Map<String, Object>> configView, Optional<ConsoleTls> console) {

    /** Without the console's HTTPS. */
    public Ports(Commands commands, Path appLogs, Optional<SSLContext> tls, Peer peer, SyncTransport sync,
            Supplier<Mailer> mailer, Supplier<Map<String, Object>> configView) {
        this(commands, appLogs, tls, peer, sync, mailer, configView, Optional.empty());
    }

    /** The peer link as the beans use it. Nothing here waits for the peer or throws for a down one. */
    public interface Peer {
        /** Sends this node's heartbeat; false when the link is not up yet (nothing was sent). */
        boolean heartbeat(Heartbeat hb);

        /** Asks the peer to run an operator command; false when the link is not up yet. */
        boolean command(String name, String origin);

        /** Sends a replication notice; false when the link is not up yet. */
        boolean notice(com.fasterxml.jackson.databind.node.ObjectNode content);

        /** Each link as of now (empty before the link is up). */
        List<LinkState> links();
    }

    /**
     * Ports that do nothing: no command runs (each answers that the check runs nothing), the peer link
     * sends nothing, the sync channel refuses, there is no mail sender. For {@code tandem check}, which
     * creates the beans but never starts an engine or a route.
     */
    public static Ports inert(NodeConfig c) {
        Peer silent = new Peer() {
            @Override
            public boolean heartbeat(Heartbeat hb) {
                return false;
            }

            @Override
            public boolean command(String name, String origin) {
                return false;
            }

            @Override
            public boolean notice(com.fasterxml.jackson.databind.node.ObjectNode content) {
                return false;
            }

            @Override
            public List<LinkState> links() {
                return List.of();
            }
        };
        Commands none = (argv, timeout) -> new Commands.Result(Commands.NOT_STARTED, "", "the check runs no command",
                false);
        return new Ports(none, c.node().stateDir().resolve("logs").resolve("app"), Optional.empty(), silent,
                request -> {
                    throw new SyncException("the check sends nothing");
                }, () -> null, Map::of);
    }
}
