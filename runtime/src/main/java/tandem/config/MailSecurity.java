package tandem.config;

import java.util.Optional;

/** Transport security towards the SMTP server (SBS-8). */
public enum MailSecurity implements YamlNamed {
    /** Plain SMTP. */
    NONE("none"),
    /** SMTP over TLS from the first byte (SMTPS). */
    SSL("ssl"),
    /** Plain connection upgraded with STARTTLS. */
    STARTTLS("starttls");

    private final String yamlName;

    MailSecurity(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    /** The constant spelled {@code yamlName} in a node file, if there is one. */
    public static Optional<MailSecurity> of(String yamlName) {
        return YamlNamed.lookup(MailSecurity.class, yamlName);
    }
}
