package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.demo.LocalCluster;
import tandem.demo.LocalCluster.Node;
import tandem.replication.Trees;

/**
 * The sbs profile with two real {@code tandem run} processes on loopback and GreenMail as the SMTP
 * server: election (SBS-1), the periodic cycle with strict and keep-timestamps (SBS-4 to SBS-7), the
 * last cycle before an operator stop (SBS-4), the main server taking the role back from the backup-only
 * node (SBS-3), the takeover after {@code kill -9} with the services the primary ran and the mail
 * (SBS-2, SBS-8), and the test mail.
 */
class SbsNodesTest {
    private LocalCluster cluster;
    private GreenMail smtp;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    private void await(String what, Duration limit, BooleanSupplier done) {
        ClusterAwait.await(cluster, what, limit, 20, done);
    }

    /** Both nodes list the same two folders, each at its own place: settings strict and with timestamps. */
    private static String replication(Path settings, Path settingsTarget, Path labels, Path labelsTarget, int smtpPort) {
        return """
                  mode: periodic
                  interval: 1s
                  folders:
                    - {path: "%s", target: "%s", strict: true, keep-timestamps: true}
                    - {path: "%s", target: "%s"}
                mail:
                  host: 127.0.0.1
                  port: %d
                  from: print-pair@example.com
                  to: ops@example.com
                """.formatted(settings, settingsTarget, labels, labelsTarget, smtpPort);
    }

    private MimeMessage awaitMail(String subject) throws Exception {
        MimeMessage[] found = new MimeMessage[1];
        await("a mail \"" + subject + "\"", Duration.ofSeconds(30), () -> {
            found[0] = Arrays.stream(smtp.getReceivedMessages()).filter(m -> {
                try {
                    return m.getSubject().equals(subject);
                } catch (jakarta.mail.MessagingException e) {
                    return false;
                }
            }).findFirst().orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    @Test
    void electionPeriodicSyncLastCycleHandBackTakeoverAndMail(@TempDir Path dir) throws Exception {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        int port = smtp.getSmtp().getPort();
        Path s1 = Files.createDirectories(dir.resolve("node1-settings"));
        Path s2 = Files.createDirectories(dir.resolve("node2-settings"));
        Path b1 = Files.createDirectories(dir.resolve("node1-labels"));
        Path b2 = Files.createDirectories(dir.resolve("node2-labels"));
        Trees.generate(s1, 5);
        Trees.write(b1.resolve("a/label.lbl"), "label\n".getBytes());
        Trees.write(s2.resolve("stale-only-here.txt"), "stale\n".getBytes()); // strict: goes
        Trees.write(b2.resolve("kept.lbl"), "kept\n".getBytes()); // not strict: stays
        cluster = new LocalCluster(ClusterAwait.home(), dir.resolve("cluster"), "sbs", "  role: primary-only\n",
                "  role: backup-only\n  backup-license: true\n", null, null, replication(s1, s2, b1, b2, port),
                replication(s2, s1, b2, b1, port));
        Node n1 = cluster.node("node1");
        Node n2 = cluster.node("node2");

        // SBS-1: node1 hears nobody and becomes primary; node2 answers... node1 as secondary (SBS-3)
        cluster.start(n1);
        await("node1 primary alone", Duration.ofSeconds(30), () -> cluster.state(n1).equals("ALONE uptodate"));
        await("node1's application", Duration.ofSeconds(30), () -> cluster.app(n1).isPresent());
        cluster.start(n2);
        await("the pair", Duration.ofSeconds(60),
                () -> cluster.state(n1).equals("PRIM uptodate") && cluster.state(n2).equals("SECOND uptodate"));
        assertThat(Trees.settledListing(s2, true)).as("resynced: strict, timestamps kept").isEqualTo(Trees.settledListing(s1, true));
        // SBS-9: the manual's words in the status
        assertThat(cluster.status(n1).orElseThrow().path("node").path("role").asText()).isEqualTo("primary");
        assertThat(cluster.status(n2).orElseThrow().path("node").path("role").asText()).isEqualTo("secondary");
        assertThat(b2.resolve("a/label.lbl")).hasContent("label");
        assertThat(b2.resolve("kept.lbl")).as("not strict").exists();

        // SBS-4: the periodic cycle carries changes, deletions (strict) and modification times
        Trees.write(s1.resolve("printers.xml"), "<printers/>\n".getBytes());
        Files.setLastModifiedTime(s1.resolve("printers.xml"), FileTime.fromMillis(1_600_000_000_000L));
        Files.delete(s1.resolve("many/f3.bin"));
        await("the periodic cycle", Duration.ofSeconds(30), () -> Trees.settledListing(s2, true).equals(Trees.settledListing(s1, true)));

        // SBS-4: an operator stop of the primary runs one last cycle before its services stop
        Trees.write(b1.resolve("last/written-before-stop.lbl"), "last\n".getBytes());
        assertThat(cluster.command(n1, "stop").path("accepted").asBoolean()).isTrue();
        await("node1 stopped, node2 primary", Duration.ofSeconds(60),
                () -> cluster.state(n1).startsWith("STOP") && cluster.state(n2).equals("ALONE uptodate"));
        assertThat(b2.resolve("last/written-before-stop.lbl")).as("the last cycle").hasContent("last");
        await("node2 runs the service node1 ran", Duration.ofSeconds(30), () -> cluster.app(n2).isPresent());

        // SBS-3: started again, the main server joins as secondary and the backup-only node hands back
        Trees.write(s2.resolve("written-on-the-backup.txt"), "backup\n".getBytes());
        assertThat(cluster.command(n1, "start").path("accepted").asBoolean()).isTrue();
        await("node1 primary again, node2 secondary", Duration.ofSeconds(60),
                () -> cluster.state(n1).equals("PRIM uptodate") && cluster.state(n2).equals("SECOND uptodate"));
        assertThat(s1.resolve("written-on-the-backup.txt")).as("nothing written on the backup is lost")
                .hasContent("backup");

        // SBS-2, SBS-8: kill -9 of the primary: node2 takes over, starts what node1 ran, mails it
        await("node1's application", Duration.ofSeconds(30), () -> cluster.app(n1).isPresent());
        await("a periodic cycle reported node1's services", Duration.ofSeconds(30),
                () -> Files.exists(dir.resolve("cluster/state/node2/sync/peer-services")));
        cluster.kill(n1);
        await("node2 takes over", Duration.ofSeconds(30), () -> cluster.state(n2).equals("ALONE uptodate"));
        await("node2's application", Duration.ofSeconds(30), () -> cluster.app(n2).isPresent());
        MimeMessage m = awaitMail("[Tandem] node2 took over as primary (demo)");
        assertThat(m.getFrom()[0].toString()).isEqualTo("print-pair@example.com");
        assertThat(m.getAllRecipients()).extracting(Object::toString).containsExactly("ops@example.com");
        assertThat(GreenMailUtil.getBody(m)).contains("the connection to the primary is lost")
                .contains("Secondary takes over when the primary is lost").contains("peer node1");
        assertThat(Files.readAllLines(dir.resolve("cluster/state/node2/sync/peer-services"))).containsExactly("app");

        // SBS-8: the test action
        assertThat(cluster.command(n2, "test-mail").path("accepted").asBoolean()).isTrue();
        assertThat(awaitMail("[Tandem] node2 sends a test mail (demo)")).isNotNull();
    }
}
