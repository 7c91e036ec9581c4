package tandem.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of YAML {@code checkers:}: a resource the node watches (MS-7).
 *
 * @param name     required; same pattern as {@code node.id}; {@link #resource()} must be unique
 * @param type     required; {@code proc}, {@code service}, {@code tcp}, {@code ping}, {@code interface},
 *                 {@code vip} or {@code custom}
 * @param target   required; what to probe: the process name (proc), service name (service),
 *                 {@code host:port} (tcp), an address (ping, vip), an interface name (interface) or a
 *                 command line (custom)
 * @param minCount YAML {@code min-count}, &gt;= 1, default 1; how many processes must run (meaningful for
 *                 proc only)
 * @param critical default true; a failure on the active node leads to failover (MS-13); false only
 *                 shows it in the status table
 * @param when     {@code active} or {@code always}; default {@link CheckerType#defaultWhen()}: active
 *                 for proc, service, tcp and vip, always for ping, interface and custom
 * @param interval optional override of {@code timings.check-interval} for this checker
 */
public record Checker(String name, CheckerType type, String target, int minCount, boolean critical, When when,
        Optional<Duration> interval) {
    public Checker {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(interval, "interval");
    }

    /** The name the checker reports under, {@code <type>.<name>}, e.g. {@code proc.management}. */
    public String resource() {
        return type.yamlName() + "." + name;
    }
}
