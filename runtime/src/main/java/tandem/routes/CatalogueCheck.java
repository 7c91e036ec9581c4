package tandem.routes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tandem.config.Suggest;

/**
 * {@code tandem check}'s comparison of what the rules name with what the routes carry. An error, with
 * the rule's {@code FILE:LINE}: a rule names an action no route {@code action-<name>} carries, or
 * answers a command no route {@code command-<name>} offers; an action route runs on a lane no route
 * {@code lane-<lane>} serves. A warning, with the route's {@code FILE:LINE}: an action route no rule
 * names, a command route that hands its command to the rules but no rule answers (it does no harm, but
 * nothing can use it); a command route answered by its own bean (reload) needs no rule.
 */
public final class CatalogueCheck {
    private CatalogueCheck() {
    }

    /** Errors and warnings, each one line. */
    public record Outcome(List<String> errors, List<String> warnings) {
        public Outcome {
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * @param uses         what the rules name ({@link RuleUses#scan})
     * @param routeFolders the node's route folders, named in the messages
     */
    public static Outcome check(Catalogue catalogue, List<RuleUses.Use> uses, List<Path> routeFolders) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Set<String> named = new LinkedHashSet<>();
        Set<String> answered = new LinkedHashSet<>();
        for (RuleUses.Use u : uses) {
            String rule = u.rule() == null ? "" : "rule \"" + u.rule() + "\" ";
            if (u.kind() == RuleUses.Kind.ACTION) {
                named.add(u.name());
                if (catalogue.action(u.name()).isEmpty()) {
                    errors.add(u.where() + ": " + rule + "names action \"" + u.name() + "\", which no route carries"
                            + " (no route " + Catalogue.ACTION_PREFIX + u.name() + " in " + folders(routeFolders) + ")"
                            + hint(u.name(), catalogue.actions().keySet()));
                }
            } else {
                answered.add(u.name());
                if (!catalogue.hasCommand(u.name())) {
                    errors.add(u.where() + ": " + rule + "answers command \"" + u.name() + "\", which no route offers"
                            + " (no route " + Catalogue.COMMAND_PREFIX + u.name() + " in " + folders(routeFolders) + ")"
                            + hint(u.name(), catalogue.commands().keySet()));
                }
            }
        }
        for (Catalogue.Action a : catalogue.actions().values()) {
            Catalogue.Lane lane = catalogue.laneRoutes().get(a.lane());
            if (lane == null) {
                errors.add(a.file() + ":" + a.line() + ": route " + Catalogue.ACTION_PREFIX + a.name() + " runs on lane \""
                        + a.lane() + "\" (its group), but no route " + Catalogue.LANE_PREFIX + a.lane() + " takes that"
                        + " lane's requests from " + Catalogue.laneEndpoint(a.lane()));
            }
            if (!named.contains(a.name())) {
                warnings.add(a.file() + ":" + a.line() + ": warning: route " + Catalogue.ACTION_PREFIX + a.name()
                        + " is not used: no rule names action \"" + a.name() + "\"");
            }
        }
        for (Catalogue.Lane lane : catalogue.laneRoutes().values()) {
            if (!lane.consumesItsEndpoint()) {
                errors.add(lane.file() + ":" + lane.line() + ": route " + Catalogue.LANE_PREFIX + lane.name()
                        + " takes its requests from \"" + lane.uri() + "\"; a lane's route consumes "
                        + Catalogue.laneEndpoint(lane.name()) + ", where the node sends them");
            }
        }
        for (Catalogue.Command c : catalogue.commands().values()) {
            if (!answered.contains(c.name()) && !c.answeredByOwnBean()) {
                warnings.add(c.file() + ":" + c.line() + ": warning: route " + Catalogue.COMMAND_PREFIX + c.name()
                        + " is not used: no rule answers command \"" + c.name() + "\"");
            }
        }
        return new Outcome(errors, warnings);
    }

    private static String folders(List<Path> routeFolders) {
        return String.join(", ", routeFolders.stream().map(Path::toString).toList());
    }

    private static String hint(String unknown, Set<String> known) {
        return Suggest.closest(unknown, known).map(s -> "; did you mean \"" + s + "\"?").orElse("");
    }
}
