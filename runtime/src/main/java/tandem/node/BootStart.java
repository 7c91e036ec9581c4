package tandem.node;

import java.time.Duration;
import java.util.List;
import tandem.os.Commands;
import tandem.config.NodeConfig;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;

/**
 * "Configure boot start" of the manual (MS-8, GEN-2): whether this node's Tandem service starts when
 * the machine boots. On Linux the systemd unit {@code tandem@<id>.service} (conf/tandem@.service) is
 * enabled or disabled; on Windows the service {@code tandem-<id>} (conf/tandem-service.xml) is set to
 * automatic or demand start. The {@code boot} bean of the action routes.
 */
public final class BootStart {
    private final NodeConfig config;
    private final Commands commands;
    private final java.time.Clock clock;

    public BootStart(NodeConfig config, Commands commands, java.time.Clock clock) {
        this.config = config;
        this.commands = commands;
        this.clock = clock;
    }

    /** This node's Tandem service starts at boot from now on. */
    public ActionResult on(ActionRequest request) {
        return set(request.action(), true, clock.millis());
    }

    /** This node's Tandem service no longer starts at boot. */
    public ActionResult off(ActionRequest request) {
        return set(request.action(), false, clock.millis());
    }

    public String serviceName() {
        boolean windows = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
        return windows ? "tandem-" + config.node().id() : "tandem@" + config.node().id() + ".service";
    }

    private ActionResult set(String action, boolean on, long now) {
        boolean windows = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
        List<String> argv = windows
                ? List.of("sc", "config", serviceName(), "start=", on ? "auto" : "demand")
                : List.of("systemctl", on ? "enable" : "disable", serviceName());
        Commands.Result r = commands.run(argv, Duration.ofSeconds(30));
        if (r.ok()) {
            return new ActionResult(action, true, serviceName() + (on ? " starts at boot" : " no longer starts at boot"), now);
        }
        String why = r.stderr().isBlank() ? r.stdout() : r.stderr();
        return new ActionResult(action, false, String.join(" ", argv) + " failed (exit " + r.exitCode() + "): "
                + why.strip().lines().findFirst().orElse(""), now);
    }
}
