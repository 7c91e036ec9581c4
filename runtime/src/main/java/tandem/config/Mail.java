package tandem.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * YAML {@code mail:}, optional: where notices go (SBS-8, RED-10).
 *
 * @param host     required; SMTP server host name or address
 * @param port     1..65535, default 25 (SBS-8)
 * @param username optional SMTP login
 * @param password optional SMTP password; a literal, {@code ${env:NAME}} or {@code ${file:PATH}}
 * @param security {@code none}, {@code ssl} or {@code starttls}; default none
 * @param from     required; sender address ({@code local@domain})
 * @param to       required, non-empty; receiver addresses (a single string is accepted in the YAML)
 * @param trustStore YAML {@code trust-store}, optional: a PKCS12 or JKS file of the certificates to trust
 *                 for ssl/starttls (a site CA, a self-signed server); default the JVM's trusted CAs
 * @param trustStorePassword YAML {@code trust-store-password}, optional
 */
public record Mail(String host, int port, Optional<String> username, Optional<Secret> password, MailSecurity security,
        String from, List<String> to, Optional<Path> trustStore, Optional<Secret> trustStorePassword) {
    public Mail {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(from, "from");
        to = List.copyOf(to);
        Objects.requireNonNull(trustStore, "trustStore");
        Objects.requireNonNull(trustStorePassword, "trustStorePassword");
    }

    /** Without a trust store. */
    public Mail(String host, int port, Optional<String> username, Optional<Secret> password, MailSecurity security,
            String from, List<String> to) {
        this(host, port, username, password, security, from, to, Optional.empty(), Optional.empty());
    }
}
