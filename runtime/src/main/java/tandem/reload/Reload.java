package tandem.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.TandemException;
import tandem.config.NodeConfig;
import tandem.engine.CycleOutcome.CommandAnswer;
import tandem.engine.Engine;
import tandem.engine.EngineEvent;
import tandem.engine.EngineLoop;
import tandem.engine.EngineSetup;
import tandem.engine.Transitions;
import tandem.engine.RuleSet;
import tandem.node.ConfigWatch;
import tandem.node.Ports;
import tandem.node.Wiring;
import tandem.routes.Catalogue;
import tandem.routes.LoadedRoutes;
import tandem.routes.RouteChanges;
import tandem.routes.RoutesException;

/**
 * The {@code reload} bean of the route {@code command-reload} ({@code tandem command reload}, the API,
 * JMX): the running node takes the rules, routes and configuration on disk now, once they passed, and
 * carries on where it stands.
 *
 * <ol>
 *   <li>A {@link Candidate} is read, checked and tested against the scenarios, beside the running set,
 *       on the caller's thread.</li>
 *   <li>On the engine's thread, between two observations: an action still in flight refuses the reload
 *       (its route could be replaced under it, and its result must reach the engine that asked for it;
 *       the reload is asked again once the status shows it done); else the new engine is made from the
 *       running one ({@link Engine#reloaded}), the routes that changed are replaced
 *       ({@link LoadedRoutes#replace}), the node's parts are pointed at the new catalogue, and the new
 *       engine takes over ({@link EngineLoop#swap}). A routes swap that fails leaves the old engine and
 *       the old routes running.</li>
 * </ol>
 *
 * <p>Every refusal keeps the running set and says why, one problem a line with its file and line or
 * the failed expectation. The configuration's {@code extensions} (the site's rule, route and scenario
 * folders) are what a reload takes; its {@code mail} section is applied as soon as the file changes
 * ({@link ConfigWatch}); any other changed field is reported as waiting for a restart of the node.
 */
public final class Reload {
    private static final Logger LOG = LoggerFactory.getLogger(Reload.class);
    /** The command name, as the route {@code command-reload} offers it. */
    public static final String COMMAND = "reload";

    private final NodeConfig started;
    private final Transitions transitions;
    private final EngineLoop loop;
    private final Supplier<LoadedRoutes> routes;
    private final Supplier<Candidate> candidates;
    private final Consumer<Candidate> attach;
    private final Consumer<EngineEvent> events;
    private final ReentrantLock one = new ReentrantLock();
    /** What runs now: the configuration and the rules of the last set taken (at start, the node's own). */
    private NodeConfig config;
    private Map<Path, String> ruleFiles;
    private int ruleCount;
    private Catalogue catalogue;

    /**
     * @param started    the configuration the node started with (changes against it that a reload does not
     *                   take are reported as waiting for a restart)
     * @param setup      the engine's setup the node started with: a reload keeps it (settings, resources and the
     *                   profile's transition table are read at start)
     * @param rules      the rules the node runs (null for {@code tandem check} when they did not compile)
     * @param catalogue  the actions and commands of the routes it runs
     * @param routes     the node's loaded routes (available once they are loaded)
     * @param candidates reads, checks and tests the set on disk ({@link Candidate#build})
     * @param attach     points the node's parts (lanes, command entry, ...) at a candidate's routes; called on
     *                   the engine's thread, after the routes were replaced
     * @param events     the node's event log
     */
    public Reload(NodeConfig started, EngineSetup setup, RuleSet rules, Catalogue catalogue, EngineLoop loop,
                  Supplier<LoadedRoutes> routes, Supplier<Candidate> candidates, Consumer<Candidate> attach,
                  Consumer<EngineEvent> events) {
        this.started = Objects.requireNonNull(started, "started");
        this.transitions = setup.transitions();
        this.config = started;
        this.ruleFiles = rules == null ? Map.of() : digests(rules.files());
        this.ruleCount = rules == null ? 0 : rules.ruleCount();
        this.catalogue = catalogue;
        this.loop = loop;
        this.routes = routes;
        this.candidates = candidates;
        this.attach = attach;
        this.events = events;
    }

    /**
     * Reloads, as described above; one at a time (a second one asked meanwhile is refused).
     *
     * @return accepted with what changed, or refused with every reason, one a line
     */
    public CommandAnswer reload() {
        if (!one.tryLock()) {
            return refused(List.of("a reload is already under way"));
        }
        try {
            Candidate c;
            try {
                c = candidates.get();
            } catch (ReloadException e) {
                return refused(e.problems());
            } catch (TandemException e) {
                return refused(List.of(e.getMessage()));
            }
            RouteChanges[] changed = new RouteChanges[1];
            try {
                loop.swap(running -> {
                    List<String> inFlight = running.pending();
                    if (!inFlight.isEmpty()) {
                        throw new ReloadException(List.of("the action(s) " + String.join(", ", inFlight)
                                + " asked for by the running rules have not reported back; a reload swaps the routes"
                                + " they run on, so reload once they are done"));
                    }
                    Engine next = running.reloaded(c.rules().kieBase());
                    // the routes are checked once more as they are loaded, with beans made for that check
                    try (Wiring inert = c.assembly().wire(Ports.inert(c.config()), null)) {
                        changed[0] = routes.get().replace(c.routeFolders(), inert.beans());
                        attach.accept(c);
                    } catch (RoutesException e) {
                        next.close();
                        throw new ReloadException(e.problems());
                    } catch (RuntimeException e) {
                        next.close();
                        throw e;
                    }
                    return next;
                });
            } catch (ReloadException e) {
                return refused(e.problems());
            } catch (RuntimeException e) {
                LOG.error("{}: reload failed", started.node().id(), e);
                return refused(List.of("the reload failed: " + e.getMessage()));
            }
            List<String> said = report(c, changed[0]);
            config = c.config();
            ruleFiles = digests(c.rules().files());
            ruleCount = c.rules().ruleCount();
            catalogue = c.catalogue();
            LOG.info("{}: reloaded: {}", started.node().id(), String.join("; ", said));
            events.accept(EngineEvent.log(null, "reloaded: " + String.join("; ", said)));
            return new CommandAnswer(COMMAND, true, String.join("\n", said), null);
        } finally {
            one.unlock();
        }
    }

    private CommandAnswer refused(List<String> problems) {
        String why = problems.size() == 1 ? problems.get(0) : problems.size() + " problems:\n" + String.join("\n", problems);
        LOG.warn("{}: reload refused, the node keeps running its rules and routes: {}", started.node().id(),
                String.join("; ", problems));
        events.accept(EngineEvent.log(null, "reload refused: " + String.join("; ", problems)));
        return new CommandAnswer(COMMAND, false, why, null);
    }

    /** What the reload changed, one line per part. */
    private List<String> report(Candidate c, RouteChanges routeChanges) {
        List<String> out = new ArrayList<>();
        out.add(c.scenarios().size() + " scenario(s) passed");
        Map<Path, String> now = digests(c.rules().files());
        out.add("rules: " + now.size() + " files, " + c.rules().ruleCount() + " rules (were " + ruleCount + "); "
                + fileChanges(ruleFiles, now));
        out.add("routes: " + routeChanges.summary());
        String siteRules = siteRules(c.rules().siteChanges());
        if (!siteRules.isEmpty()) {
            out.add(siteRules);
        }
        String catalogueChanges = catalogueChanges(catalogue, c.catalogue());
        if (!catalogueChanges.isEmpty()) {
            out.add(catalogueChanges);
        }
        if (!c.assembly().setup().transitions().equals(transitions)) {
            out.add("profile: the transition table in " + c.assembly().profile().file() + " changed; the node keeps"
                    + " the one it started with until it is restarted");
        }
        c.warnings().forEach(out::add);
        List<String> taken = new ArrayList<>();
        ConfigWatch.diff("", config.extensions(), c.config().extensions(), taken);
        if (!taken.isEmpty()) {
            out.add("configuration: taken: " + String.join(", ",
                    taken.stream().map(f -> "extensions." + f).toList()));
        }
        List<String> changed = new ArrayList<>();
        ConfigWatch.diff("", started, c.config(), changed);
        List<String> restart = changed.stream().filter(f -> !f.startsWith("extensions") && !ConfigWatch.live(f)).toList();
        if (!restart.isEmpty()) {
            out.add("configuration: " + String.join(", ", restart) + " take effect when the node is restarted");
        }
        return out;
    }

    /** {@code changed: a; added: b; removed: c}, or {@code no file changed}. */
    static String fileChanges(Map<Path, String> before, Map<Path, String> after) {
        List<String> parts = new ArrayList<>();
        part(parts, "changed", after.keySet().stream().filter(f -> before.containsKey(f)
                && !before.get(f).equals(after.get(f))).toList());
        part(parts, "added", after.keySet().stream().filter(f -> !before.containsKey(f)).toList());
        part(parts, "removed", before.keySet().stream().filter(f -> !after.containsKey(f)).toList());
        return parts.isEmpty() ? "no file changed" : String.join("; ", parts);
    }

    /** {@code site rules: 1 replaced ("A"), 2 added ("B", "C")}: how the site's set differs from the shipped one. */
    private static String siteRules(List<RuleSet.SiteChange> changes) {
        List<String> parts = new ArrayList<>();
        for (RuleSet.SiteChange.Kind kind : RuleSet.SiteChange.Kind.values()) {
            List<String> rules = changes.stream().filter(x -> x.kind() == kind).map(x -> "\"" + x.rule() + "\"").toList();
            if (!rules.isEmpty()) {
                parts.add(rules.size() + " " + kind.name().toLowerCase(java.util.Locale.ROOT) + " (" + String.join(", ", rules)
                        + ")");
            }
        }
        return parts.isEmpty() ? "" : "site rules: " + String.join(", ", parts);
    }

    private static String catalogueChanges(Catalogue before, Catalogue after) {
        List<String> parts = new ArrayList<>();
        part(parts, "actions added", minus(after.actions().keySet(), before.actions().keySet()));
        part(parts, "actions removed", minus(before.actions().keySet(), after.actions().keySet()));
        part(parts, "commands added", minus(after.commands().keySet(), before.commands().keySet()));
        part(parts, "commands removed", minus(before.commands().keySet(), after.commands().keySet()));
        return String.join("; ", parts);
    }

    private static List<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return List.copyOf(out);
    }

    private static void part(List<String> parts, String what, List<?> items) {
        if (!items.isEmpty()) {
            parts.add(what + ": " + String.join(", ", items.stream().map(Object::toString).toList()));
        }
    }

    /** Each file's SHA-256, in the order given; a file that cannot be read counts as changed. */
    static Map<Path, String> digests(List<Path> files) {
        Map<Path, String> out = new LinkedHashMap<>();
        for (Path f : files) {
            try {
                out.put(f, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            } catch (IOException e) {
                out.put(f, "unreadable: " + e.getMessage());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }
}
