package tandem.actions;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.Mail;
import tandem.config.MailSecurity;
import tandem.config.Secret;
import tandem.testing.LogCapture;

/** The mail sender against GreenMail, a real SMTP server on loopback: plain with a login, SMTPS, retries. */
class MailerTest {
    private static final String PASSWORD = "s3cret)(&=";

    @TempDir
    static Path keys;

    private static Path trustStore;

    private CamelContext camel;
    private GreenMail server;
    private Mailer mailer;

    /**
     * GreenMail's SMTPS key for 127.0.0.1 (its built-in one names no host, which a client that checks
     * the server's identity rightly refuses), and a trust store holding just its certificate.
     */
    @BeforeAll
    static void serverKeyAndTrustStore() throws Exception {
        Path serverKeys = keys.resolve("smtp-server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "greenmail", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", serverKeys.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        System.setProperty("greenmail.tls.keystore.file", serverKeys.toString());
        System.setProperty("greenmail.tls.keystore.password", "changeit");

        KeyStore server = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverKeys)) {
            server.load(in, "changeit".toCharArray());
        }
        Certificate cert = server.getCertificate("greenmail");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("smtp-server", cert);
        trustStore = keys.resolve("trust.p12");
        try (OutputStream o = Files.newOutputStream(trustStore)) {
            trust.store(o, "trustpw".toCharArray());
        }
    }

    @BeforeEach
    void camel() {
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (mailer != null) {
            mailer.close();
        }
        if (server != null) {
            server.stop();
        }
        camel.close();
    }

    private static Mail mail(int port, MailSecurity security, boolean login, boolean trust) {
        return new Mail("127.0.0.1", port, login ? Optional.of("tandem") : Optional.empty(),
                login ? Optional.of(Secret.literal(PASSWORD)) : Optional.empty(), security, "print-pair@example.com",
                List.of("ops@example.com", "oncall@example.com"), trust ? Optional.of(trustStore) : Optional.empty(),
                trust ? Optional.of(Secret.literal("trustpw")) : Optional.empty());
    }

    private static void awaitDelivery(Mailer m, int n) {
        Await.until(Duration.ofSeconds(30), n + " mail(s) delivered", () -> m.delivered() >= n);
    }

    @Test
    void aNoticeReachesEveryReceiverWithSenderSubjectAndBodyOverALogin() throws Exception {
        server = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("tandem", PASSWORD));
        server.start();
        mailer = new Mailer(mail(server.getSmtp().getPort(), MailSecurity.NONE, true, false), camel);

        String said = mailer.send(new Mailer.Notice("[Tandem] node2 took over as primary (print-pair)",
                "node2 took over as primary.\nWhy: no heartbeat from node1 for 10 s"));
        awaitDelivery(mailer, 1);

        assertThat(said).contains("queued for ops@example.com, oncall@example.com via 127.0.0.1:");
        assertThat(server.waitForIncomingEmail(10_000, 2)).isTrue();
        MimeMessage[] got = server.getReceivedMessages();
        assertThat(got).hasSize(2); // one copy per receiver
        assertThat(got[0].getFrom()[0].toString()).isEqualTo("print-pair@example.com");
        assertThat(got[0].getAllRecipients()).extracting(Object::toString)
                .containsExactlyInAnyOrder("ops@example.com", "oncall@example.com");
        assertThat(got[0].getSubject()).isEqualTo("[Tandem] node2 took over as primary (print-pair)");
        assertThat(GreenMailUtil.getBody(got[0]).replace("\r\n", "\n"))
                .isEqualTo("node2 took over as primary.\nWhy: no heartbeat from node1 for 10 s");
    }

    @Test
    void smtpsTrustsTheConfiguredTrustStore() throws Exception {
        server = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));
        server.start();
        mailer = new Mailer(mail(server.getSmtps().getPort(), MailSecurity.SSL, false, true), camel);

        mailer.send(new Mailer.Notice("[Tandem] test mail from node1 (print-pair)", "a test"));
        awaitDelivery(mailer, 1);

        assertThat(server.waitForIncomingEmail(10_000, 2)).isTrue();
        assertThat(server.getReceivedMessages()[0].getSubject()).isEqualTo("[Tandem] test mail from node1 (print-pair)");
    }

    @Test
    void smtpsWithoutTheServersCertificateIsRefusedAndRetried() throws Exception {
        server = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));
        server.start();
        try (LogCapture log = new LogCapture(Mailer.class)) {
            mailer = new Mailer(mail(server.getSmtps().getPort(), MailSecurity.SSL, false, false), camel,
                    new long[] {10, 10});
            mailer.send(new Mailer.Notice("[Tandem] never trusted", "x"));

            Await.until(Duration.ofSeconds(30), "the give-up line",
                    () -> log.messages(Level.ERROR).stream().anyMatch(m -> m.contains("NOT sent")));
            assertThat(log.messages(Level.WARN)).filteredOn(m -> m.contains("not sent (attempt")).hasSize(2);
            assertThat(log.messages(Level.ERROR)).singleElement().asString()
                    .contains("mail \"[Tandem] never trusted\" NOT sent: 3 attempts");
        }
        assertThat(mailer.delivered()).isZero();
        assertThat(server.getReceivedMessages()).isEmpty();
    }

    @Test
    void aMailServerThatIsDownIsRetriedUntilItAnswers() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (LogCapture log = new LogCapture(Mailer.class)) {
            mailer = new Mailer(mail(port, MailSecurity.NONE, false, false), camel, new long[] {50, 50, 50, 50, 50, 50,
                    50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50});
            mailer.send(new Mailer.Notice("[Tandem] node2 took over as primary", "body"));
            Await.until(Duration.ofSeconds(30), "a failed attempt",
                    () -> log.messages(Level.WARN).stream().anyMatch(m -> m.contains("not sent (attempt 1 of")));

            server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            server.start();
            awaitDelivery(mailer, 1);

            assertThat(log.messages(Level.INFO)).anyMatch(m -> m.startsWith("mail \"[Tandem] node2 took over as primary\" sent to")
                    && m.contains("(attempt "));
        }
        assertThat(server.waitForIncomingEmail(10_000, 2)).isTrue();
    }

    @Test
    void theEndpointRequiresStarttlsWhenChosenAndNeverParsesThePassword() {
        String uri = Mailer.endpoint(mail(587, MailSecurity.STARTTLS, true, false));
        assertThat(uri).startsWith("smtp://127.0.0.1:587?")
                .contains("mail.smtp.starttls.enable=true&mail.smtp.starttls.required=true")
                .contains("password=RAW{" + PASSWORD + "}");
        assertThat(Mailer.endpoint(mail(465, MailSecurity.SSL, false, true))).startsWith("smtps://127.0.0.1:465?")
                .contains("sslContextParameters=#tandem-mail-tls").doesNotContain("password");
    }
}
