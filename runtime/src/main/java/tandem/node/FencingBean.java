package tandem.node;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.os.Commands;
import tandem.config.NodeConfig;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;

/** The {@code fencing} bean of the action routes: makes sure the silent peer is down before a takeover. */
public final class FencingBean {
    private static final Logger LOG = LoggerFactory.getLogger(FencingBean.class);

    private final NodeConfig config;
    private final Commands commands;
    private final Clock clock;

    public FencingBean(NodeConfig config, Commands commands, Clock clock) {
        this.config = config;
        this.commands = commands;
        this.clock = clock;
    }

    /** Runs {@code fencing.command}: exit code 0 within {@code fencing.timeout} means the peer is down. */
    public ActionResult fence(ActionRequest request) {
        if (config.fencing().isEmpty()) {
            return new ActionResult(request.action(), false, "no fencing: section in " + config.file(), clock.millis());
        }
        tandem.config.Fencing f = config.fencing().get();
        Commands.Result r = commands.run(Commands.shell(f.command()), f.timeout());
        if (!r.ok()) {
            return new ActionResult(request.action(), false, "the fencing command failed (" + (r.timedOut()
                    ? "did not finish within " + tandem.config.Durations.format(f.timeout()) : "exit code " + r.exitCode())
                    + ": " + r.firstLine(200) + ")", clock.millis());
        }
        LOG.info("{}: peer {} fenced: {}", config.node().id(), config.peer().id(), f.command());
        return new ActionResult(request.action(), true, "the fencing command succeeded", clock.millis());
    }
}
