package tandem.node;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.os.Commands;
import tandem.actions.ServiceSet;
import tandem.config.NodeConfig;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;

/**
 * The {@code services} bean of the action routes: starts and stops the node's managed services. Each
 * method takes the action's request and answers with a result named after it, so one method serves
 * every action route that calls it.
 */
public final class ServicesBean {
    private static final Logger LOG = LoggerFactory.getLogger(ServicesBean.class);
    /** How long the post-takeover hook may run. */
    static final Duration HOOK_TIMEOUT = Duration.ofMinutes(10);

    private final NodeConfig config;
    private final ServiceSet services;
    private final Supplier<Optional<List<String>>> reported;
    private final Commands commands;
    private final Clock clock;

    /**
     * @param reported the services the former primary said it ran (SBS-2), empty when it never said
     * @param commands runs the post-takeover hook
     */
    public ServicesBean(NodeConfig config, ServiceSet services, Supplier<Optional<List<String>>> reported,
            Commands commands, Clock clock) {
        this.config = config;
        this.services = services;
        this.reported = reported;
        this.commands = commands;
        this.clock = clock;
    }

    /** Starts every managed service in order, after the post-takeover hook. */
    public ActionResult start(ActionRequest request) {
        return hookThen(request, () -> services.startAll(request.action(), clock.millis()));
    }

    /**
     * Starts the services the former primary reported it ran (SBS-2), after the post-takeover hook.
     * Without such a list this starts nothing and fails: which services to start then is the rules'
     * choice (they ask for the start of all of them instead).
     */
    public ActionResult startReported(ActionRequest request) {
        Optional<List<String>> names = reported.get();
        if (names.isEmpty()) {
            return new ActionResult(request.action(), false, "the former primary never reported which services it ran;"
                    + " nothing started", clock.millis());
        }
        return hookThen(request, () -> services.startOnly(names.get(), request.action(), clock.millis()));
    }

    /** Stops every managed service in reverse order. */
    public ActionResult stop(ActionRequest request) {
        return services.stopAll(request.action(), clock.millis());
    }

    /** Runs the post-takeover hook (when there is one), then the start; the hook failing starts nothing. */
    private ActionResult hookThen(ActionRequest request, Supplier<ActionResult> start) {
        Optional<String> hook = config.replication().postTakeover();
        if (hook.isPresent()) {
            // before the services of a node that becomes active: e.g. restore the replicated dump
            Commands.Result h = commands.run(Commands.shell(hook.get()), HOOK_TIMEOUT);
            if (!h.ok()) {
                return new ActionResult(request.action(), false, "the post-takeover hook failed ("
                        + (h.timedOut() ? "did not finish within 10 min" : "exit code " + h.exitCode()) + ": "
                        + h.firstLine(200) + "); services not started", clock.millis());
            }
            LOG.info("{}: post-takeover hook done: {}", config.node().id(), hook.get());
        }
        return start.get();
    }
}
