package tandem.config;

import java.nio.file.Path;
import java.util.List;

/**
 * YAML {@code extensions:}: the site's own rule and route folders, loaded after the profile's (GEN-1),
 * and its own scenarios, which a reload must pass besides the profile's.
 *
 * @param rules     default empty; extra DRL folders, absolute (relative YAML paths are resolved against the
 *                  config file's folder)
 * @param routes    default empty; extra Camel YAML route folders, resolved the same way
 * @param scenarios default empty; folders of the site's scenario files ({@code *.yaml}), resolved the same
 *                  way; {@code tandem command reload} runs them with the profile's before it takes a
 *                  changed rule or route set
 */
public record Extensions(List<Path> rules, List<Path> routes, List<Path> scenarios) {
    public Extensions {
        rules = List.copyOf(rules);
        routes = List.copyOf(routes);
        scenarios = List.copyOf(scenarios);
    }
}
