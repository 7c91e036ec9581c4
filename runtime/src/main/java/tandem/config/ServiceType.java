package tandem.config;

import java.util.Optional;

/** How Tandem starts and stops a managed service (MS-1, SBS-10). */
public enum ServiceType implements YamlNamed {
    /** A systemd unit, started and stopped with systemctl. */
    SYSTEMD("systemd"),
    /** A Windows service, started and stopped through the service control manager. */
    WINDOWS("windows"),
    /** Two shell command lines, one to start and one to stop. */
    COMMAND("command"),
    /** A command line Tandem starts itself and supervises as a child process. */
    PROCESS("process");

    private final String yamlName;

    ServiceType(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    /** The constant spelled {@code yamlName} in a node file, if there is one. */
    public static Optional<ServiceType> of(String yamlName) {
        return YamlNamed.lookup(ServiceType.class, yamlName);
    }
}
