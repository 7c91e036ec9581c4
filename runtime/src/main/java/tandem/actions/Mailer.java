package tandem.actions;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.config.Mail;
import tandem.config.MailSecurity;

/**
 * Sends the node's notices by mail through camel-mail (SBS-8): the takeover, the end of two primaries,
 * the operator's test. A notice is queued and delivered in the background, so a mail server that is
 * down never holds up a takeover: a failed delivery is logged and tried again after 10 s, 30 s, 1 min,
 * 2 min and 5 min, then given up with an ERROR line naming the notice.
 */
public final class Mailer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Mailer.class);
    /** Registry name of the trust store's SSL parameters, when {@code mail.trust-store} is set. */
    static final String TLS_BEAN = "tandem-mail-tls";
    static final long[] DEFAULT_RETRIES_MS = {10_000, 30_000, 60_000, 120_000, 300_000};

    /** One mail: its subject and plain-text body. */
    public record Notice(String subject, String body) {
        public Notice {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(body, "body");
        }
    }

    private final Mail mail;
    private final ProducerTemplate template;
    private final String endpoint;
    private final long[] retriesMs;
    private final ScheduledExecutorService worker;
    private final AtomicInteger delivered = new AtomicInteger();

    /**
     * @param context   the node's Camel context: the trust store's parameters are bound in its registry
     * @param retriesMs the waits before each further attempt (tests use short ones)
     */
    public Mailer(Mail mail, CamelContext context, long[] retriesMs) {
        this.mail = Objects.requireNonNull(mail, "mail");
        this.retriesMs = retriesMs.clone();
        mail.trustStore().ifPresent(ts -> context.getRegistry().bind(TLS_BEAN, sslParameters(ts, mail)));
        this.endpoint = endpoint(mail);
        this.template = context.createProducerTemplate();
        this.worker = Executors.newSingleThreadScheduledExecutor(tandem.Daemons.named("tandem-mail"));
    }

    public Mailer(Mail mail, CamelContext context) {
        this(mail, context, DEFAULT_RETRIES_MS);
    }

    /** Queues {@code notice} for {@code mail.to}; returns at once with a sentence saying where it goes. */
    public String send(Notice notice) {
        return send(notice, mail.to());
    }

    /**
     * Queues {@code notice} for {@code recipients} (from {@code mail.from}, through the same server, with
     * the same retries) instead of {@code mail.to}; returns at once with a sentence saying where it goes.
     */
    public String send(Notice notice, List<String> recipients) {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a mail needs at least one recipient");
        }
        List<String> to = List.copyOf(recipients);
        worker.execute(() -> attempt(notice, to, 1));
        return "mail \"" + notice.subject() + "\" queued for " + String.join(", ", to) + " via " + mail.host()
                + ":" + mail.port();
    }

    /**
     * Delivers {@code notice} to {@code mail.to} now, once, on the caller's thread (bounded by the
     * connection timeout): the operator's test, whose point is to learn whether the server takes it.
     * Returns a sentence saying where it went; throws with the server's or the network's words when it
     * did not.
     */
    public String sendNow(Notice notice) {
        List<String> to = mail.to();
        try {
            deliver(notice, to);
        } catch (RuntimeException e) {
            throw new IllegalStateException("mail \"" + notice.subject() + "\" NOT sent to " + String.join(", ", to)
                    + " via " + mail.host() + ":" + mail.port() + ": " + rootMessage(e), e);
        }
        delivered.incrementAndGet();
        LOG.info("mail \"{}\" sent to {} via {}:{}", notice.subject(), String.join(", ", to), mail.host(), mail.port());
        return "mail \"" + notice.subject() + "\" sent to " + String.join(", ", to) + " via " + mail.host() + ":" + mail.port();
    }

    /** Mails delivered since start (tests, status). */
    public int delivered() {
        return delivered.get();
    }

    private void attempt(Notice n, List<String> to, int attempt) {
        try {
            deliver(n, to);
            delivered.incrementAndGet();
            LOG.info("mail \"{}\" sent to {} via {}:{}{}", n.subject(), String.join(", ", to), mail.host(),
                    mail.port(), attempt > 1 ? " (attempt " + attempt + ")" : "");
        } catch (RuntimeException e) {
            String why = rootMessage(e);
            if (attempt > retriesMs.length) {
                LOG.error("mail \"{}\" NOT sent: {} attempts to {}:{} failed, the last with: {}", n.subject(), attempt,
                        mail.host(), mail.port(), why);
                return;
            }
            long wait = retriesMs[attempt - 1];
            LOG.warn("mail \"{}\" not sent (attempt {} of {}): {}; next attempt in {}", n.subject(), attempt,
                    retriesMs.length + 1, why, tandem.config.Durations.format(java.time.Duration.ofMillis(wait)));
            worker.schedule(() -> attempt(n, to, attempt + 1), wait, TimeUnit.MILLISECONDS);
        }
    }

    private void deliver(Notice n, List<String> to) {
        Exchange done = template.send(endpoint, ex -> {
            ex.getMessage().setHeader("From", mail.from());
            ex.getMessage().setHeader("To", String.join(",", to));
            ex.getMessage().setHeader("Subject", n.subject());
            ex.getMessage().setHeader("Content-Type", "text/plain; charset=UTF-8");
            ex.getMessage().setBody(n.body());
        });
        if (done.getException() != null) {
            throw new IllegalStateException(done.getException().getMessage(), done.getException());
        }
    }

    /** The camel-mail producer URI for {@code m} (the password as a raw value, never parsed). */
    static String endpoint(Mail m) {
        String host = m.host().contains(":") ? "[" + m.host() + "]" : m.host();
        StringBuilder q = new StringBuilder("connectionTimeout=10000");
        m.username().ifPresent(u -> q.append("&username=").append(raw(u)));
        m.password().ifPresent(p -> q.append("&password=").append(raw(p.reveal())));
        if (m.security() == MailSecurity.STARTTLS) {
            // required: a server that offers no STARTTLS gets no login in clear text
            q.append("&mail.smtp.starttls.enable=true&mail.smtp.starttls.required=true");
        }
        if (m.trustStore().isPresent()) {
            q.append("&sslContextParameters=#").append(TLS_BEAN);
        }
        return (m.security() == MailSecurity.SSL ? "smtps" : "smtp") + "://" + host + ":" + m.port() + "?" + q;
    }

    private static String raw(String value) {
        return value.contains(")") ? "RAW{" + value + "}" : "RAW(" + value + ")";
    }

    private static SSLContextParameters sslParameters(Path store, Mail m) {
        KeyStoreParameters ks = new KeyStoreParameters();
        ks.setResource("file:" + store.toAbsolutePath());
        String name = store.getFileName().toString().toLowerCase(Locale.ROOT);
        ks.setType(name.endsWith(".jks") ? "JKS" : "PKCS12");
        m.trustStorePassword().ifPresent(p -> ks.setPassword(p.reveal()));
        TrustManagersParameters tm = new TrustManagersParameters();
        tm.setKeyStore(ks);
        SSLContextParameters ssl = new SSLContextParameters();
        ssl.setTrustManagers(tm);
        return ssl;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** The receivers, for messages. */
    public List<String> to() {
        return mail.to();
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
