package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.ConfigLoader;
import tandem.demo.LocalCluster;
import tandem.demo.LocalCluster.Node;

/**
 * The sample site {@code samples/ms-failover/site} on two real {@code tandem run} processes on loopback:
 * the pair of the live-cluster tests with the site's rule and route folders as its extensions and a
 * GreenMail SMTP server as its mail. What the site's scenarios show in the simulation holds live: the
 * maintenance command stops the primary's services without a failover and is refused on the
 * secondary, maintenance-end starts them again, and a takeover after the primary dies sends the site's
 * takeover mail.
 */
class SiteExampleNodesTest {

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
        ClusterAwait.await(cluster, what, limit, 50, done);
    }

    /**
     * Adds the site's folders and the mail section to a node's configuration as written by
     * {@link LocalCluster}; the site's {@code node1.yaml} names the same folders relative to itself.
     */
    private void addSite(Node n, Path site, int smtpPort) throws Exception {
        Files.writeString(n.config(), Files.readString(n.config()) + """
                mail:
                  host: 127.0.0.1
                  port: %d
                  from: cluster1@example.com
                  to: [ops@example.com]
                extensions:
                  rules: ["%s"]
                  routes: ["%s"]
                """.formatted(smtpPort, site.resolve("rules"), site.resolve("routes")));
        ConfigLoader.load(n.config());
    }

    private JsonNode status(Node n) {
        return cluster.status(n).orElseThrow(() -> new AssertionError(n.id() + " does not answer"));
    }

    @Test
    void maintenanceStopsThePrimarysServicesWithoutAFailoverAndATakeoverMailsTheOperators(@TempDir Path dir)
            throws Exception {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        Path site = ClusterAwait.home().resolve("samples/ms-failover/site");
        cluster = new LocalCluster(ClusterAwait.home(), dir, null, null);
        Node n1 = cluster.node("node1");
        Node n2 = cluster.node("node2");
        addSite(n1, site, smtp.getSmtp().getPort());
        addSite(n2, site, smtp.getSmtp().getPort());
        cluster.start(n1);
        cluster.start(n2);

        // two JVMs starting on a loaded machine: either node may come up first and become primary
        Node[] pair = new Node[2];
        await("PRIM/SECOND pair with the primary's application answering", Duration.ofSeconds(150), () -> {
            for (Node[] o : List.of(new Node[] {n1, n2}, new Node[] {n2, n1})) {
                if (cluster.state(o[0]).equals("PRIM uptodate") && cluster.state(o[1]).equals("SECOND uptodate")
                        && cluster.app(o[0]).orElse("").equals(o[0].id())) {
                    pair[0] = o[0];
                    pair[1] = o[1];
                    return true;
                }
            }
            return false;
        });
        Node prim = pair[0];
        Node sec = pair[1];
        assertThat(status(prim).path("node").path("services").asText()).isEqualTo("running");

        // maintenance on the primary: its services stop, it keeps its role and the pair stays as it is
        JsonNode maintenance = cluster.command(prim, "maintenance");
        assertThat(maintenance.path("code").asInt()).as(maintenance.toString()).isEqualTo(200);
        Instant accepted = Instant.now();
        await("the primary's services stopped", Duration.ofSeconds(30),
                () -> cluster.status(prim).map(s -> s.path("node").path("services").asText().equals("stopped"))
                        .orElse(false) && cluster.app(prim).isEmpty());
        // the secondary hears the primary for longer than the failover timeout (2 s) after the
        // maintenance began, no longer holding the services: had that been a reason to take over, it
        // would have
        Instant heardBy = accepted.plusSeconds(4);
        await("the secondary hearing the primary without its services 4 s after the maintenance",
                Duration.ofSeconds(60), () -> cluster.status(sec).map(s -> {
                    JsonNode peer = s.path("peer");
                    return !peer.path("holding").asBoolean(true) && peer.path("lastHeard").isTextual()
                            && Instant.parse(peer.path("lastHeard").asText()).isAfter(heardBy);
                }).orElse(false));
        assertThat(cluster.state(prim)).isEqualTo("PRIM uptodate");
        assertThat(cluster.state(sec)).isEqualTo("SECOND uptodate");
        assertThat(status(prim).path("node").path("services").asText()).isEqualTo("stopped");
        assertThat(status(sec).path("node").path("services").asText()).isEqualTo("stopped");
        assertThat(cluster.app(sec)).as("the secondary started no application").isEmpty();
        assertThat(status(prim).path("events").toString()).contains("Operator puts the active node into maintenance");

        // maintenance-end: the services start again on the same primary
        JsonNode end = cluster.command(prim, "maintenance-end");
        assertThat(end.path("code").asInt()).as(end.toString()).isEqualTo(200);
        await("the primary's services running and its application answering again", Duration.ofSeconds(60),
                () -> cluster.status(prim).map(s -> s.path("node").path("services").asText().equals("running"))
                        .orElse(false) && cluster.app(prim).orElse("").equals(prim.id()));
        assertThat(cluster.state(prim)).isEqualTo("PRIM uptodate");
        assertThat(cluster.state(sec)).isEqualTo("SECOND uptodate");

        // maintenance on the secondary is refused with the site rule's reason
        JsonNode refused = cluster.command(sec, "maintenance");
        assertThat(refused.path("code").asInt()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.path("reason").asText())
                .isEqualTo("maintenance applies to the active node while its services run");
        assertThat(cluster.state(sec)).isEqualTo("SECOND uptodate");

        // the primary dies: the secondary takes over by the site's replaced rule, which also mails
        cluster.kill(prim);
        await(sec.id() + " ALONE with its application serving", Duration.ofSeconds(60),
                () -> cluster.state(sec).equals("ALONE uptodate") && cluster.app(sec).orElse("").equals(sec.id()));
        assertThat(smtp.waitForIncomingEmail(60_000, 1)).as("the takeover mail arrives").isTrue();
        MimeMessage mail = smtp.getReceivedMessages()[0];
        // the site's template names the cluster (cluster.name, "demo" in LocalCluster's configs) in the subject
        assertThat(mail.getSubject()).isEqualTo("[demo] " + sec.id() + " took over the management application");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("ops@example.com");
        String body = com.icegreen.greenmail.util.GreenMailUtil.getBody(mail);
        assertThat(body).contains(sec.id() + " took over as primary", "Secondary takes over when the primary is silent",
                "so this node takes over; the operators are mailed");
        assertThat(status(sec).path("events").toString()).contains("Secondary takes over when the primary is silent");
    }
}
