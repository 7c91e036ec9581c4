package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.actions.Mailer;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;

/** The mail bean: a template from the route folders, rendered for the request, handed to the sender. */
class MailBeanTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:15:30Z"), ZoneOffset.UTC);
    private static final ActionRequest TAKEOVER = new ActionRequest("mail-takeover",
            "Secondary takes over when the primary is silent", "no heartbeat from node1 for 10 s", 4);

    @TempDir
    Path dir;
    private GreenMail smtp;
    private CamelContext camel;
    private Mailer mailer;
    private NodeConfig config;

    @BeforeEach
    void start() throws Exception {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        camel = new DefaultCamelContext();
        camel.start();
        Files.writeString(dir.resolve("cluster.secret"), "mail-bean-test-secret-0123456789\n");
        Files.writeString(dir.resolve("node2.yaml"), """
                node: {id: node2, profile: sbs, state-dir: state}
                cluster: {name: print-pair, secret: "${file:cluster.secret}"}
                listen: {address: 127.0.0.1, port: 7402}
                peer: {id: node1, address: 127.0.0.1, port: 7401}
                mail: {host: 127.0.0.1, port: %d, from: print-pair@example.com, to: ops@example.com}
                """.formatted(smtp.getSmtp().getPort()));
        config = ConfigLoader.load(dir.resolve("node2.yaml"));
        mailer = new Mailer(config.mail().orElseThrow(), camel);
    }

    @AfterEach
    void stop() throws Exception {
        mailer.close();
        camel.close();
        smtp.stop();
    }

    private MailBean bean(List<Path> folders, Mailer m) {
        MailBean bean = new MailBean(config, () -> m, CLOCK);
        bean.attach(folders, camel);
        return bean;
    }

    @Test
    void theShippedTemplateIsRenderedForTheRequestAndSent() throws Exception {
        ActionResult r = bean(List.of(ClusterAwait.home().resolve("routes/common"),
                ClusterAwait.home().resolve("routes/sbs")), mailer).send(TAKEOVER, "takeover");

        assertThat(r.action()).isEqualTo("mail-takeover");
        assertThat(r.ok()).as(r.detail()).isTrue();
        assertThat(r.detail()).startsWith("mail \"[Tandem] node2 took over as primary (print-pair)\" queued for ops@example.com");
        assertThat(smtp.waitForIncomingEmail(20_000, 1)).isTrue();
        MimeMessage m = smtp.getReceivedMessages()[0];
        assertThat(m.getSubject()).isEqualTo("[Tandem] node2 took over as primary (print-pair)");
        // the mail's text as the template gives it (mail transport drops the final line break)
        assertThat(GreenMailUtil.getBody(m).replace("\r\n", "\n").strip()).isEqualTo("""
                node2 took over as primary at 2026-03-01T10:15:30Z.

                Why: no heartbeat from node1 for 10 s
                (rule "Secondary takes over when the primary is silent")

                Cluster print-pair: node2 (profile sbs), peer node1 at 127.0.0.1:7401.
                Status: tandem status --config %s
                """.formatted(config.file()).strip());
    }

    @Test
    void aSiteFolderWithATemplateOfTheSameNameReplacesTheShippedOne() throws Exception {
        Path site = dir.resolve("site-routes");
        Files.createDirectories(site.resolve("mail"));
        Files.writeString(site.resolve("mail/takeover.txt"), "Subject: ${header.node} is primary now\n\n"
                + "${body.reason} (${body.action})\n");

        ActionResult r = bean(List.of(ClusterAwait.home().resolve("routes/common"),
                ClusterAwait.home().resolve("routes/sbs"), site), mailer).send(TAKEOVER, "takeover");

        assertThat(r.ok()).as(r.detail()).isTrue();
        assertThat(smtp.waitForIncomingEmail(20_000, 1)).isTrue();
        MimeMessage m = smtp.getReceivedMessages()[0];
        assertThat(m.getSubject()).isEqualTo("node2 is primary now");
        assertThat(GreenMailUtil.getBody(m).replace("\r\n", "\n").strip())
                .isEqualTo("no heartbeat from node1 for 10 s (mail-takeover)");
    }

    @Test
    void whatCannotBeSentIsAFailedResultSayingWhy() throws Exception {
        Path site = dir.resolve("site-routes");
        Files.createDirectories(site.resolve("mail"));
        Files.writeString(site.resolve("mail/bare.txt"), "no subject line\n");
        MailBean bean = bean(List.of(site), mailer);

        assertThat(bean.send(TAKEOVER, "missing")).isEqualTo(new ActionResult("mail-takeover", false,
                "no mail template mail/missing.txt in [" + site + "]", CLOCK.millis()));
        assertThat(bean.send(TAKEOVER, "bare")).isEqualTo(new ActionResult("mail-takeover", false,
                site.resolve("mail/bare.txt") + ": line 1: a mail template starts with \"Subject: ...\"", CLOCK.millis()));
        assertThat(bean(List.of(site), null).send(TAKEOVER, "bare")).isEqualTo(new ActionResult("mail-takeover", false,
                "no mail: section in " + config.file(), CLOCK.millis()));
    }

    /** The standby of samples/redundancy with {@code users} as its switchover.users, mailing through GreenMail. */
    private NodeConfig standby(String users) throws Exception {
        Files.writeString(dir.resolve("standby.yaml"), """
                node: {id: standby, profile: redundancy, state-dir: state}
                cluster: {name: phone-pair, secret: "${file:cluster.secret}"}
                listen: {address: 127.0.0.1, port: 7413}
                peer: {id: active, address: 127.0.0.1, port: 7403}
                mail: {host: 127.0.0.1, port: %d, from: phone-pair@example.com, to: ops@example.com}
                redundancy:
                  role: standby
                  license-key: DDDDD-FFFFF-TTTTT-22222
                  active-license-key: XXXXX-YYYYY-ZZZZZ-11111
                  version: "8.4.2"
                  import: {command: "import {file}", folder: incoming}
                  switchover: {users: %s}
                """.formatted(smtp.getSmtp().getPort(), users));
        return ConfigLoader.load(dir.resolve("standby.yaml"));
    }

    @Test
    void thePhoneRestartMailGoesToEveryUserOneMailEachWithTheShippedTemplate() throws Exception {
        NodeConfig standby = standby("[alice@example.com, bob@example.com, carol@example.com]");
        mailer.close();
        mailer = new Mailer(standby.mail().orElseThrow(), camel);
        MailBean bean = new MailBean(standby, () -> mailer, CLOCK);
        bean.attach(List.of(ClusterAwait.home().resolve("routes/common"), ClusterAwait.home().resolve("routes/redundancy")),
                camel);
        ActionRequest request = new ActionRequest("mail-phones-restart", "Operator switches over to the standby",
                "switchover (api): the active has been completely down for 1m", 1);

        ActionResult r = bean.sendToUsers(request, "phones-restart");

        assertThat(r.ok()).as(r.detail()).isTrue();
        assertThat(r.detail()).endsWith("queued for 3 user(s): alice@example.com, bob@example.com, carol@example.com");
        assertThat(smtp.waitForIncomingEmail(20_000, 3)).isTrue();
        MimeMessage[] got = smtp.getReceivedMessages();
        assertThat(got).hasSize(3);
        List<String> to = new java.util.ArrayList<>();
        for (MimeMessage m : got) {
            // one mail each: no user sees another's address, and mail.to (ops) is not among them
            assertThat(m.getAllRecipients()).hasSize(1);
            String user = m.getAllRecipients()[0].toString();
            to.add(user);
            assertThat(m.getFrom()[0].toString()).isEqualTo("phone-pair@example.com");
            assertThat(m.getSubject()).isEqualTo("[Tandem] Please restart your phone: the phone system moved to the"
                    + " standby (phone-pair)");
            assertThat(GreenMailUtil.getBody(m).replace("\r\n", "\n"))
                    .contains("The phone system now runs on its standby appliance, standby, which took over the address",
                            "at 2026-03-01T10:15:30Z", "Please restart your phone now",
                            "Why: switchover (api): the active has been completely down for 1m",
                            "This mail went to " + user + ".");
        }
        assertThat(to).containsExactlyInAnyOrder("alice@example.com", "bob@example.com", "carol@example.com");
    }

    @Test
    void withoutUsersNothingIsSentAndTheResultSaysSo() throws Exception {
        NodeConfig standby = standby("[]");
        MailBean bean = new MailBean(standby, () -> mailer, CLOCK);
        bean.attach(List.of(ClusterAwait.home().resolve("routes/common"), ClusterAwait.home().resolve("routes/redundancy")),
                camel);

        ActionResult r = bean.sendToUsers(new ActionRequest("mail-phones-restart", "r", "why", 1), "phones-restart");

        assertThat(r.ok()).isTrue();
        assertThat(r.detail()).startsWith("no user addresses in redundancy.switchover.users");
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void aUserTemplateThatCannotBeRenderedSendsToNobody() throws Exception {
        NodeConfig standby = standby("[alice@example.com, bob@example.com]");
        Path site = dir.resolve("site-routes");
        Files.createDirectories(site.resolve("mail"));
        Files.writeString(site.resolve("mail/phones-restart.txt"), "Restart your phone\n");
        MailBean bean = new MailBean(standby, () -> mailer, CLOCK);
        bean.attach(List.of(ClusterAwait.home().resolve("routes/redundancy"), site), camel);

        ActionResult r = bean.sendToUsers(new ActionRequest("mail-phones-restart", "r", "why", 1), "phones-restart");

        assertThat(r.ok()).isFalse();
        assertThat(r.detail()).isEqualTo(site.resolve("mail/phones-restart.txt")
                + ": line 1: a mail template starts with \"Subject: ...\"");
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }
}
