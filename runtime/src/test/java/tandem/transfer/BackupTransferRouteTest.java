package tandem.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.ProducerTemplate;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.actions.Mailer;
import tandem.config.NodeConfig;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;
import tandem.node.Assembly;
import tandem.node.Lanes;
import tandem.node.MailBean;
import tandem.os.SystemCommands;
import tandem.redundancy.BackupTransfer;
import tandem.redundancy.LastTransfer;
import tandem.redundancy.Manifest;
import tandem.redundancy.Nodes;
import tandem.routes.LoadedRoutes;
import tandem.routes.RouteSet;

/**
 * The route action-transfer-backup (routes/redundancy/transfer.camel.yaml) with the real transfers bean
 * against an in-process SSH server with SFTP standing in for the standby's OpenSSH (RED-1, RED-4, RED-6):
 * a backup is created, uploaded with its manifest, checked and renamed there, the import command runs and
 * its exit code is judged; failed steps are tried again after transfer.retry-wait, up to
 * transfer.attempts; the error report goes to transfer.error-to (GreenMail).
 */
class BackupTransferRouteTest {
    private static final Instant NOW = Instant.parse("2026-12-24T01:30:00Z");
    private static final ActionRequest REQUEST = new ActionRequest("transfer-backup",
            "The active sends a backup to its standby when a run is due", "the run is due", 0);

    @TempDir
    Path dir;

    private StandbySsh ssh;
    private GreenMail smtp;
    private LoadedRoutes routes;
    private Mailer mailer;
    private Path remote;

    @BeforeEach
    void start() throws Exception {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        remote = dir.resolve("standby/incoming");
    }

    @AfterEach
    void stop() throws IOException {
        if (routes != null) {
            routes.close();
        }
        if (mailer != null) {
            mailer.close();
        }
        if (ssh != null) {
            ssh.close();
        }
        smtp.stop();
    }

    /** The active's node file: password login, the given import command and transfer section. */
    private NodeConfig active(String importCommand, String transfer) throws IOException {
        return active("password: " + StandbySsh.PASSWORD, importCommand, transfer);
    }

    private NodeConfig active(String login, String importCommand, String transfer) throws IOException {
        NodeConfig c = Nodes.active(dir, "printf 'full backup' > {file}", ssh.port(), login, remote.toString(),
                importCommand, transfer);
        // the mail server of this test
        Files.writeString(c.file(), Files.readString(c.file()).replace("port: 2525", "port: " + smtp.getSmtp().getPort()));
        return tandem.config.ConfigLoader.load(c.file());
    }

    /** The redundancy routes over the real beans, started; returns the transfers bean. */
    private BackupTransfer load(NodeConfig c) throws Exception {
        Path home = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
        Path folder = Files.createDirectories(dir.resolve("routes"));
        Files.copy(home.resolve("routes/common/errors.camel.yaml"), folder.resolve("errors.camel.yaml"));
        Files.copy(home.resolve("routes/redundancy/transfer.camel.yaml"), folder.resolve("transfer.camel.yaml"));
        BackupTransfer transfers = new BackupTransfer(c, new SystemCommands(), o -> { }, Clock.fixed(NOW, ZoneOffset.UTC));
        MailBean mail = new MailBean(c, () -> mailer, Clock.fixed(NOW, ZoneOffset.UTC));
        Properties p = Assembly.properties(c);
        routes = RouteSet.load("transfer-test", List.of(folder), Map.of("transfers", transfers, "mail", mail,
                "lanes", new Lanes(o -> { }, () -> 0L)), p);
        routes.start();
        mailer = new Mailer(c.mail().orElseThrow(), routes.context());
        mail.attach(List.of(home.resolve("routes/common"), home.resolve("routes/redundancy")), routes.context());
        return transfers;
    }

    private ActionResult run(String action, ActionRequest request) {
        ProducerTemplate t = routes.context().createProducerTemplate();
        return t.requestBody("direct:action-" + action, request, ActionResult.class);
    }

    @Test
    void aBackupIsCreatedUploadedWithItsManifestVerifiedAndImportedWithPasswordLogin() throws Exception {
        ssh = StandbySsh.start();
        ssh.trustedKnownHosts(dir);
        NodeConfig c = active("cp {file} " + dir.resolve("standby/imported.bin") + " && echo imported it", "{attempts: 1}");
        load(c);

        ActionResult r = run("transfer-backup", REQUEST);

        assertThat(r.ok()).as(r.detail()).isTrue();
        assertThat(r.action()).isEqualTo("transfer-backup");
        assertThat(r.detail()).startsWith("backup backup-20261224-013000.backup (11 bytes) sent to the standby 127.0.0.1,"
                + " its SHA-256 checked there, and imported (imported it) in ").endsWith(", 1 attempt(s)");
        Path archive = remote.resolve("backup-20261224-013000.backup");
        assertThat(archive).hasContent("full backup");
        assertThat(Manifest.read(Manifest.of(archive)).license()).isEqualTo(Nodes.ACTIVE_KEY);
        assertThat(dir.resolve("standby/imported.bin")).hasContent("full backup");
        try (var files = Files.list(remote)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no temporary file is left")
                    .containsExactlyInAnyOrder("backup-20261224-013000.backup", "backup-20261224-013000.backup.manifest.json");
        }
        LastTransfer last = LastTransfer.read(c.node().stateDir()).orElseThrow();
        assertThat(last.ok()).isTrue();
        assertThat(last.size()).isEqualTo(11);
        assertThat(last.attempts()).isEqualTo(1);
        assertThat(last.verified()).isTrue();
        assertThat(c.node().stateDir().resolve(BackupTransfer.RUN_FILE)).exists();
    }

    @Test
    void keyLoginWorksToo() throws Exception {
        ssh = StandbySsh.start();
        ssh.trustedKnownHosts(dir);
        ssh.authorizeNewKey(KeyPairProvider.SSH_ED25519, 256, dir.resolve("id_ed25519"));
        NodeConfig c = active("key: id_ed25519", "true {file}", "{attempts: 1}");
        load(c);

        ActionResult r = run("transfer-backup", REQUEST);

        assertThat(r.ok()).as(r.detail()).isTrue();
        assertThat(remote.resolve("backup-20261224-013000.backup")).hasContent("full backup");
    }

    @Test
    void theImportCommandsExitCodeIsJudgedAndEveryAttemptMade() throws Exception {
        ssh = StandbySsh.start();
        ssh.trustedKnownHosts(dir);
        NodeConfig c = active("echo refused: another version >&2; exit 4 # {file}", "{attempts: 2, retry-wait: 1s}");
        load(c);

        ActionResult r = run("transfer-backup", REQUEST);

        assertThat(r.ok()).isFalse();
        assertThat(r.detail()).startsWith("the backup transfer to the standby failed after 2 attempt(s): the import"
                + " command on the standby 127.0.0.1 failed (exit code 4: refused: another version)")
                .endsWith("; the standby keeps its previous backup and data");
        LastTransfer last = LastTransfer.read(c.node().stateDir()).orElseThrow();
        assertThat(last.ok()).isFalse();
        assertThat(last.attempts()).isEqualTo(2);
        assertThat(last.error()).contains("exit code 4");
    }

    @Test
    void aChangedHostKeyStopsTheTransferAndIsNeverAccepted() throws Exception {
        ssh = StandbySsh.start();
        KeyPair other = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        HostKeys.record(dir.resolve("known_hosts"), "127.0.0.1", ssh.port(), other.getPublic());
        String before = Files.readString(dir.resolve("known_hosts"));
        NodeConfig c = active("true {file}", "{attempts: 1}");
        load(c);

        ActionResult r = run("transfer-backup", REQUEST);

        assertThat(r.ok()).isFalse();
        assertThat(r.detail()).contains("has CHANGED", "tandem command trust-standby-key");
        assertThat(remote).doesNotExist();
        assertThat(Files.readString(dir.resolve("known_hosts"))).as("nothing is recorded").isEqualTo(before);
    }

    @Test
    void aStandbyThatRefusesTheFirstTwoAttemptsGetsTheBackupOnTheThird() throws Exception {
        ssh = StandbySsh.start();
        ssh.trustedKnownHosts(dir);
        // the first two connections are refused, whatever their client tries within them
        AtomicInteger connections = new AtomicInteger();
        Map<Object, Integer> numbered = new java.util.concurrent.ConcurrentHashMap<>();
        ssh.server.setPasswordAuthenticator((user, password, session) -> numbered.computeIfAbsent(session,
                s -> connections.incrementAndGet()) > 2 && "root".equals(user) && StandbySsh.PASSWORD.equals(password));
        NodeConfig c = active("true {file}", "{attempts: 3, retry-wait: 1s}");
        load(c);

        ActionResult r = run("transfer-backup", REQUEST);

        assertThat(r.ok()).as(r.detail()).isTrue();
        assertThat(r.detail()).endsWith(", 3 attempt(s)");
        assertThat(remote.resolve("backup-20261224-013000.backup")).hasContent("full backup");
        assertThat(LastTransfer.read(c.node().stateDir()).orElseThrow().attempts()).isEqualTo(3);
    }

    @Test
    void afterTheLastAttemptTheErrorReportGoesToTheErrorAddress() throws Exception {
        ssh = StandbySsh.start(); // no known_hosts: its key is unknown, so every attempt fails
        NodeConfig c = active("true {file}", "{attempts: 2, retry-wait: 1s, mails: true, error-to: backup-errors@example.com}");
        load(c);

        ActionResult failed = run("transfer-backup", REQUEST);
        assertThat(failed.ok()).isFalse();
        assertThat(failed.detail()).contains("after 2 attempt(s)", "is unknown");
        // what rules/redundancy/transfer.drl decides on the failed result (TransferRulesTest)
        ActionResult mailed = run("mail-transfer-failed", new ActionRequest("mail-transfer-failed",
                "A failed transfer is reported by mail", failed.detail() + "; mailing the error report to"
                        + " transfer.error-to (RED-4)", 0));

        assertThat(mailed.ok()).as(mailed.detail()).isTrue();
        assertThat(smtp.waitForIncomingEmail(20_000, 1)).isTrue();
        MimeMessage m = smtp.getReceivedMessages()[0];
        assertThat(m.getAllRecipients()).extracting(Object::toString).containsExactly("backup-errors@example.com");
        assertThat(m.getSubject()).isEqualTo("[Tandem] The backup transfer from active to its standby failed (pair)");
        assertThat(GreenMailUtil.getBody(m).replaceAll("=\\r?\\n", "")).contains("after 2 attempt(s)");
    }

}
