package tandem.config;

import java.nio.file.Path;
import java.util.List;

/**
 * YAML {@code extensions:}: the site's own rule and route folders, loaded after the profile's (GEN-1).
 *
 * @param rules  default empty; extra DRL folders, absolute (relative YAML paths are resolved against the
 *               config file's folder)
 * @param routes default empty; extra Camel YAML route folders, resolved the same way
 */
public record Extensions(List<Path> rules, List<Path> routes) {
    public Extensions {
        rules = List.copyOf(rules);
        routes = List.copyOf(routes);
    }
}
