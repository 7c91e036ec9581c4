package tandem.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.actions.Mailer;
import tandem.config.Mail;
import tandem.config.MailSecurity;

/** The demo's mail log: mails sent by the node's own mail path (camel-mail) land in mail.log whole. */
class MailLogTest {
    @TempDir
    Path dir;

    private static void until(Duration bound, String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + bound + ": " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    @Test
    void mailsSentThroughTheNodesMailerAreAppendedWithEnvelopeHeadersAndBody() throws Exception {
        Path file = dir.resolve("mail.log");
        CamelContext camel = new DefaultCamelContext();
        camel.start();
        try (MailLog log = MailLog.start(file, Clock.systemUTC());
                Mailer mailer = new Mailer(new Mail("127.0.0.1", log.port(), Optional.empty(), Optional.empty(),
                        MailSecurity.NONE, "tandem@demo.invalid", List.of("ops@demo.invalid")), camel, new long[0])) {
            mailer.send(new Mailer.Notice("Transfer failed", "line one\n.a line that starts with a dot\nlast"));
            mailer.send(new Mailer.Notice("Restart the phones ä", "Please restart your phone."),
                    List.of("anna@demo.invalid"));
            until(Duration.ofSeconds(30), "two mails in the log", () -> log.received().size() == 2);

            assertThat(log.received()).extracting(MailLog.Received::subject)
                    .containsExactlyInAnyOrder("Transfer failed", "Restart the phones ä");
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            assertThat(text).contains("MAIL FROM:<tandem@demo.invalid>", "RCPT TO:<ops@demo.invalid>",
                    "RCPT TO:<anna@demo.invalid>", "Subject: Transfer failed", "From: tandem@demo.invalid",
                    "\n.a line that starts with a dot\n", "=== end of mail 1", "=== end of mail 2");
            assertThat(text).doesNotContain("\r\n").doesNotContain("\n..a line");
        } finally {
            camel.close();
        }
    }

    @Test
    void aPlainSmtpConversationWithRsetNoopAndBoundsAnswersAsRfc5321Says() throws Exception {
        Path file = dir.resolve("mail.log");
        try (MailLog log = MailLog.start(file, Clock.systemUTC());
                Socket s = new Socket(InetAddress.getLoopbackAddress(), log.port())) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            assertThat(in.readLine()).startsWith("220 ");
            assertThat(say(out, in, "MAIL FROM:<a@b>")).startsWith("503");
            assertThat(say(out, in, "HELO client")).startsWith("250");
            assertThat(say(out, in, "RCPT TO:<c@d>")).startsWith("503");
            assertThat(say(out, in, "MAIL FROM:<a@b>")).startsWith("250");
            assertThat(say(out, in, "RCPT TO:<c@d>")).startsWith("250");
            assertThat(say(out, in, "RSET")).startsWith("250");
            assertThat(say(out, in, "DATA")).as("RSET forgot the recipients").startsWith("503");
            assertThat(say(out, in, "NOOP")).startsWith("250");
            assertThat(say(out, in, "VRFY x")).startsWith("500");
            assertThat(say(out, in, "MAIL FROM:<a@b> SIZE=10")).startsWith("250");
            assertThat(say(out, in, "RCPT TO:<c@d>")).startsWith("250");
            assertThat(say(out, in, "DATA")).startsWith("354");
            assertThat(say(out, in, "Subject: hi\r\n\r\n..dot\r\nbody\r\n.")).startsWith("250");
            assertThat(say(out, in, "QUIT")).startsWith("221");
            assertThat(log.received()).containsExactly(new MailLog.Received(1, "a@b", List.of("c@d"), "hi"));
            assertThat(Files.readString(file)).contains("\n.dot\nbody\n=== end of mail 1");
        }
        try (MailLog log = MailLog.start(file, Clock.systemUTC());
                Socket s = new Socket(InetAddress.getLoopbackAddress(), log.port())) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            assertThat(in.readLine()).startsWith("220 ");
            assertThat(say(out, in, "HELO " + "x".repeat(MailLog.MAX_LINE))).startsWith("500 line longer");
            assertThat(in.readLine()).as("the connection is closed").isNull();
        }
        assertThat(Files.readString(file)).as("an earlier log is appended to, never replaced").contains("=== mail 1");
    }

    private static String say(OutputStream out, BufferedReader in, String line) throws Exception {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String reply = in.readLine();
        while (reply != null && reply.length() > 3 && reply.charAt(3) == '-') {
            reply = in.readLine();
        }
        return reply;
    }
}
