package tandem.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * YAML {@code extensions:}: the site's own rule and route folders, loaded after the profile's (GEN-1),
 * the shipped rules the site switches off, and the site's own scenarios, which a reload must pass
 * besides the profile's.
 *
 * @param rules        default empty; extra DRL folders, absolute (relative YAML paths are resolved against the
 *                     config file's folder). A rule named like one in an earlier folder replaces it
 * @param routes       default empty; extra Camel YAML route folders, resolved the same way
 * @param disableRules default empty; {@code disable-rules}: the names of rules that are not compiled. Each must
 *                     name a rule of the node's rule folders, which only the compiled rule set can tell, so
 *                     each keeps where it was written for that error
 * @param scenarios    default empty; folders of the site's scenario files ({@code *.yaml}), resolved like
 *                     {@code rules}; {@code tandem command reload} runs them with the profile's before it takes
 *                     a changed rule or route set
 */
public record Extensions(List<Path> rules, List<Path> routes, List<DisabledRule> disableRules, List<Path> scenarios) {
    public Extensions {
        rules = List.copyOf(rules);
        routes = List.copyOf(routes);
        disableRules = List.copyOf(disableRules);
        scenarios = List.copyOf(scenarios);
    }

    /** No rule switched off, no site scenarios. */
    public Extensions(List<Path> rules, List<Path> routes) {
        this(rules, routes, List.of(), List.of());
    }

    /** No site scenarios. */
    public Extensions(List<Path> rules, List<Path> routes, List<DisabledRule> disableRules) {
        this(rules, routes, disableRules, List.of());
    }

    /**
     * One entry of {@code extensions.disable-rules}.
     *
     * @param rule the rule's name, as written after {@code rule} in its DRL file
     * @param file the config file, as the user named it
     * @param line the entry's line
     * @param path the entry's field path, e.g. {@code extensions.disable-rules[0]}
     */
    public record DisabledRule(String rule, String file, int line, String path) {
        public DisabledRule {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(path, "path");
        }

        /** A problem with this entry, as {@code FILE:LINE: path: message}. */
        public ConfigError error(String message) {
            return new ConfigError(file, line, path, message);
        }
    }
}
