package tandem.config;

import java.util.Optional;

/**
 * What a checker probes (MS-7). Each type knows when it runs by default: resources that exist only
 * on the active node are checked only there, link and host checks run on both nodes.
 */
public enum CheckerType implements YamlNamed {
    /** A running process, target = process name; at least {@code min-count} instances. */
    PROC("proc", When.ACTIVE),
    /** An OS service (systemd unit or Windows service), target = its name. */
    SERVICE("service", When.ACTIVE),
    /** A TCP connect, target = {@code host:port}. */
    TCP("tcp", When.ACTIVE),
    /** An ICMP echo, target = an address. */
    PING("ping", When.ALWAYS),
    /** A network interface that must be up, target = the interface name. */
    INTERFACE("interface", When.ALWAYS),
    /** The virtual IP is bound here, target = the address (MS-6). */
    VIP("vip", When.ACTIVE),
    /** A command line whose exit status 0 means healthy (MS-7 "custom checker"). */
    CUSTOM("custom", When.ALWAYS);

    private final String yamlName;
    private final When defaultWhen;

    CheckerType(String yamlName, When defaultWhen) {
        this.yamlName = yamlName;
        this.defaultWhen = defaultWhen;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    /** The {@code when} a checker of this type gets if the YAML does not say. */
    public When defaultWhen() {
        return defaultWhen;
    }

    /** The constant spelled {@code yamlName} in a node file, if there is one. */
    public static Optional<CheckerType> of(String yamlName) {
        return YamlNamed.lookup(CheckerType.class, yamlName);
    }
}
