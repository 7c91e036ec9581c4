package tandem.actions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.config.NodeConfig;
import tandem.config.Service;
import tandem.facts.ActionResult;
import tandem.os.Commands;

/**
 * The node's managed services, in config order (MS-1): started in that order, stopped in reverse.
 * Carries out the {@code start-services} and {@code stop-services} actions; whether they are wanted
 * is the rules' decision, and their outcome goes back to the engine as an {@link ActionResult}.
 */
public final class ServiceSet {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceSet.class);

    /** A service with the time it gets to start and to stop ({@code start-timeout}, {@code stop-timeout}). */
    public record Member(ManagedService service, Duration startTimeout, Duration stopTimeout) {
        public Member {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(startTimeout, "startTimeout");
            Objects.requireNonNull(stopTimeout, "stopTimeout");
        }
    }

    private final List<Member> members;

    private ServiceSet(List<Member> members) {
        this.members = List.copyOf(members);
    }

    /**
     * The services of {@code c}, each with the implementation its {@code type} names; process
     * services log to {@code <logDir>/<name>.log} and run in the node file's folder.
     */
    public static ServiceSet of(NodeConfig c, Commands cmds, Path logDir) {
        List<Member> members = new ArrayList<>();
        for (Service s : c.services()) {
            members.add(new Member(service(s, cmds, logDir, c.baseDir()), s.startTimeout(), s.stopTimeout()));
        }
        return new ServiceSet(members);
    }

    /** A set of services built elsewhere (tests, the demo), in start order. */
    public static ServiceSet of(List<Member> members) {
        return new ServiceSet(members);
    }

    private static ManagedService service(Service s, Commands cmds, Path logDir, Path workDir) {
        // the config loader guarantees the fields each type requires
        return switch (s.type()) {
            case SYSTEMD -> new SystemdService(s.name(), s.unit().orElseThrow(), cmds);
            case WINDOWS -> new WindowsService(s.name(), s.unit().orElseThrow());
            case COMMAND -> new CommandService(s.name(), s.start().orElseThrow(), s.stop().orElseThrow(), cmds);
            case PROCESS -> new ProcessService(s.name(), s.command().orElseThrow(), logDir, workDir);
        };
    }

    /** The services in start order. */
    public List<ManagedService> services() {
        return members.stream().map(Member::service).toList();
    }

    /**
     * Starts every service in order. If one fails, the ones before it are stopped again in reverse
     * order, so the node is never left running half of its services, and the result names the one
     * that failed and why. The result carries {@code action}, the name of the action that asked.
     */
    public ActionResult startAll(String action, long now) {
        return start(members, action, now);
    }

    private ActionResult start(List<Member> which, String action, long now) {
        List<Member> started = new ArrayList<>();
        for (Member m : which) {
            try {
                m.service().start(m.startTimeout());
                started.add(m);
            } catch (ActionException e) {
                LOG.warn("{}", e.getMessage());
                String rollback = stopReverse(started);
                return new ActionResult(action, false, "service " + m.service().name() + " did not start: "
                        + e.getMessage() + (started.isEmpty() ? "" : "; " + rollback), now);
            }
        }
        return new ActionResult(action, true, which.isEmpty() ? "no services to start" : "started " + names(which), now);
    }

    /**
     * Starts, in order, the services named in {@code names} (SBS-2: those the former primary ran); a
     * name this node does not manage is reported, not an error. Rolls back like {@link #startAll}.
     */
    public ActionResult startOnly(java.util.Collection<String> names, String action, long now) {
        List<Member> chosen = members.stream().filter(m -> names.contains(m.service().name())).toList();
        List<String> unknown = names.stream().filter(n -> members.stream().noneMatch(m -> m.service().name().equals(n)))
                .toList();
        ActionResult r = start(chosen, action, now);
        if (unknown.isEmpty()) {
            return r;
        }
        return new ActionResult(action, r.ok(), r.detail() + "; not managed here: " + String.join(", ", unknown), now);
    }

    /** The names of the services running now (SBS-4: the list the primary sends every cycle). */
    public List<String> running() {
        List<String> out = new ArrayList<>();
        for (Member m : members) {
            try {
                if (m.service().running()) {
                    out.add(m.service().name());
                }
            } catch (RuntimeException e) {
                LOG.debug("cannot tell whether {} runs: {}", m.service().name(), e.toString());
            }
        }
        return out;
    }

    /**
     * Stops every service in reverse order; each one is attempted even if another could not be stopped.
     * The result carries {@code action}, the name of the action that asked.
     */
    public ActionResult stopAll(String action, long now) {
        List<String> failures = new ArrayList<>();
        List<Member> stopped = new ArrayList<>();
        for (Member m : reversed(members)) {
            try {
                m.service().stop(m.stopTimeout());
                stopped.add(m);
            } catch (ActionException e) {
                LOG.warn("{}", e.getMessage());
                failures.add(e.getMessage());
            }
        }
        if (failures.isEmpty()) {
            return new ActionResult(action, true, members.isEmpty() ? "no services to stop"
                    : "stopped " + names(stopped), now);
        }
        return new ActionResult(action, false, String.join("; ", failures)
                + (stopped.isEmpty() ? "" : "; stopped " + names(stopped)), now);
    }

    /**
     * Sets each service's own start mode to manual, so that only Tandem starts it (MS-1, SBS-10).
     * Returns one sentence per service that was set to start automatically, for the runtime to log
     * clearly at startup, plus one per service whose start mode could not be read or changed (a unit
     * that does not exist is worth knowing before the first failover needs it). Services already
     * manual, or disabled by an operator, are left as they are and not mentioned.
     */
    public List<String> enforceManualStartMode() {
        List<String> sentences = new ArrayList<>();
        for (Member m : members) {
            ManagedService s = m.service();
            try {
                if (s.startMode() != StartMode.AUTOMATIC) {
                    continue;
                }
            } catch (ActionException e) {
                sentences.add("service " + s.describe() + ": " + e.getMessage());
                continue;
            }
            try {
                s.setManualStartMode();
                sentences.add("service " + s.describe() + " was set to start automatically; Tandem set it to"
                        + " manual: only Tandem starts it (MS-1)");
            } catch (ActionException e) {
                sentences.add("service " + s.describe() + " is set to start automatically and Tandem could not"
                        + " set it to manual: " + e.getMessage() + "; set it to manual by hand: only Tandem may"
                        + " start it (MS-1)");
            }
        }
        return sentences;
    }

    private String stopReverse(List<Member> started) {
        List<String> stopped = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (Member m : reversed(started)) {
            try {
                m.service().stop(m.stopTimeout());
                stopped.add(m.service().name());
            } catch (ActionException e) {
                LOG.warn("{}", e.getMessage());
                failed.add(e.getMessage());
            }
        }
        String text = stopped.isEmpty() ? "" : "stopped again " + String.join(", ", stopped);
        if (!failed.isEmpty()) {
            text += (text.isEmpty() ? "" : "; ") + "could not stop again: " + String.join("; ", failed);
        }
        return text;
    }

    private static List<Member> reversed(List<Member> ms) {
        List<Member> r = new ArrayList<>(ms);
        java.util.Collections.reverse(r);
        return r;
    }

    private static String names(List<Member> ms) {
        return String.join(", ", ms.stream().map(m -> m.service().name()).toList());
    }
}
