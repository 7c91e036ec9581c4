package tandem.node;

import java.time.Duration;
import java.util.List;
import tandem.os.Commands;
import tandem.config.NodeConfig;
import tandem.facts.ActionResult;

/**
 * "Configure boot start" of the manual (MS-8, GEN-2): whether this node's Tandem service starts when
 * the machine boots. On Linux the systemd unit {@code tandem@<id>.service} (conf/tandem@.service) is
 * enabled or disabled; on Windows the service {@code tandem-<id>} (conf/tandem-service.xml) is set to
 * automatic or demand start.
 */
public final class BootStart {
    private final NodeConfig config;
    private final Commands commands;

    public BootStart(NodeConfig config, Commands commands) {
        this.config = config;
        this.commands = commands;
    }

    public String serviceName() {
        boolean windows = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
        return windows ? "tandem-" + config.node().id() : "tandem@" + config.node().id() + ".service";
    }

    public ActionResult set(boolean on, long now) {
        String action = on ? "boot-start-on" : "boot-start-off";
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
