package tandem.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;
import tandem.node.Assembly;
import tandem.node.Ports;
import tandem.node.Wiring;
import tandem.os.SystemCommands;
import tandem.redundancy.RollbackBean;
import tandem.routes.LoadedRoutes;
import tandem.routes.RouteSet;

/**
 * The rollback's steps that Tandem runs (RED-12) through their real routes
 * ({@code routes/redundancy/rollback.camel.yaml}) and the node's real beans, against an in-process SSH
 * server with SFTP standing in for the original active's OpenSSH: the backup of this node by its command,
 * the upload and import on the original, the restore command there, and the host key that must be known.
 */
class RollbackStepsTest {
    @TempDir
    Path dir;

    private StandbySsh original;
    private Path originalRoot;
    private Wiring wiring;
    private LoadedRoutes routes;
    private ProducerTemplate template;

    @BeforeEach
    void originalActive() throws Exception {
        original = StandbySsh.start();
        originalRoot = Files.createDirectories(dir.resolve("original"));
    }

    @AfterEach
    void close() throws Exception {
        if (routes != null) {
            routes.close();
        }
        if (wiring != null) {
            wiring.close();
        }
        original.close();
    }

    /** The switched standby with a rollback section whose commands write into the test's folders. */
    private NodeConfig standby(String backupCommand, String importCommand) throws Exception {
        String yaml = """
                node:
                  id: standby
                  profile: redundancy
                  state-dir: %s
                cluster: {name: pair, secret: 0123456789abcdef}
                peer: {id: active, address: 127.0.0.1}
                redundancy:
                  role: standby
                  license-key: DDDDD-FFFFF-TTTTT-22222
                  active-license-key: XXXXX-YYYYY-ZZZZZ-11111
                  version: "8.4.2"
                  import: {command: "import {file}", folder: incoming}
                  switchover:
                    active-address: 127.0.0.1
                    active-ssh-port: %d
                  rollback:
                    backup-command: "%s"
                    password: %s
                    known-hosts: known_hosts
                    folder: %s
                    import-command: "%s"
                    restore-command: "echo restored > %s"
                    timeout: 1m
                """.formatted(dir.resolve("state"), original.port(), backupCommand, StandbySsh.PASSWORD,
                originalRoot.resolve("restore"), importCommand, originalRoot.resolve("restored"));
        return ConfigLoader.parse("standby.yaml", yaml, dir, Map.of());
    }

    /** Loads the rollback's route file (with the shared error handler) over the node's real beans. */
    private void load(NodeConfig c) throws Exception {
        Path home = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
        Path folder = Files.createDirectories(dir.resolve("routes"));
        Files.copy(home.resolve("routes/common/errors.camel.yaml"), folder.resolve("errors.camel.yaml"));
        Files.copy(home.resolve("routes/redundancy/rollback.camel.yaml"), folder.resolve("rollback.camel.yaml"));
        Ports inert = Ports.inert(c);
        Ports ports = new Ports(new SystemCommands(), inert.appLogs(), inert.tls(), inert.peer(), inert.sync(),
                inert.mailer(), inert.configView());
        wiring = Assembly.of(home, c).wire(ports, null);
        routes = RouteSet.load("rollback-test", List.of(folder), wiring.beans(), Assembly.properties(c));
        routes.start();
        template = routes.context().createProducerTemplate();
    }

    private ActionResult step(String action) {
        return template.requestBody("direct:action-" + action, new ActionRequest(action, "test", "test", 1),
                ActionResult.class);
    }

    private void trustOriginal() {
        HostKeys.record(dir.resolve("known_hosts"), "127.0.0.1", original.port(), original.hostKey.getPublic());
    }

    @Test
    void theBackupIsUploadedToTheOriginalImportedThereAndItsIdentityRestored() throws Exception {
        trustOriginal();
        NodeConfig c = standby("printf 'the appliance, now' > {file}",
                "cp {file} " + originalRoot.resolve("imported") + " && echo imported");
        load(c);

        ActionResult backup = step("rollback-backup");
        assertThat(backup.ok()).as(backup.detail()).isTrue();
        assertThat(backup.action()).isEqualTo("rollback-backup");
        Path folder = RollbackBean.folder(c);
        try (var files = Files.list(folder)) {
            List<Path> kept = files.toList();
            assertThat(kept).hasSize(1);
            assertThat(kept.get(0).getFileName().toString()).startsWith("rollback-").endsWith(".backup");
            assertThat(backup.detail()).isEqualTo("backup written: " + kept.get(0) + " (18 bytes)");
        }

        ActionResult imported = step("rollback-import");
        assertThat(imported.ok()).as(imported.detail()).isTrue();
        assertThat(imported.detail()).contains("SHA-256 verified) and imported it there");
        assertThat(Files.readString(originalRoot.resolve("imported"), StandardCharsets.UTF_8))
                .isEqualTo("the appliance, now");
        try (var files = Files.list(originalRoot.resolve("restore"))) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).as("no partial upload left")
                    .allMatch(n -> n.startsWith("rollback-") && n.endsWith(".backup"));
        }

        ActionResult restored = step("rollback-restore");
        assertThat(restored.ok()).as(restored.detail()).isTrue();
        assertThat(Files.readString(originalRoot.resolve("restored")).strip()).isEqualTo("restored");
    }

    @Test
    void anUnknownHostKeyOfTheOriginalFailsTheStepAndNothingIsImported() throws Exception {
        load(standby("printf x > {file}", "cp {file} " + originalRoot.resolve("imported")));
        assertThat(step("rollback-backup").ok()).isTrue();

        ActionResult imported = step("rollback-import");

        assertThat(imported.ok()).isFalse();
        assertThat(imported.detail()).contains("host key of 127.0.0.1:" + original.port() + " is unknown");
        assertThat(originalRoot.resolve("imported")).doesNotExist();
        assertThat(originalRoot.resolve("restore")).doesNotExist();
    }

    @Test
    void aFailingImportCommandFailsTheStepWithItsExitCodeAndOutput() throws Exception {
        trustOriginal();
        load(standby("printf x > {file}", "echo 'version 8.3 refuses a backup of 8.4.2' >&2; exit 3"
                + " # {file}"));
        assertThat(step("rollback-backup").ok()).isTrue();

        ActionResult imported = step("rollback-import");

        assertThat(imported.ok()).isFalse();
        assertThat(imported.detail()).startsWith("the import command on 127.0.0.1:" + original.port()
                + " failed (exit code 3: version 8.3 refuses a backup of 8.4.2)");
    }

    @Test
    void aFailingBackupCommandLeavesNoArchiveAndTheImportHasNothingToSend() throws Exception {
        trustOriginal();
        NodeConfig c = standby("printf half > {file}; exit 1", "cp {file} " + originalRoot.resolve("imported"));
        load(c);

        ActionResult backup = step("rollback-backup");

        assertThat(backup.ok()).isFalse();
        assertThat(backup.detail()).startsWith("the backup command failed (exit code 1");
        try (var files = Files.list(RollbackBean.folder(c))) {
            assertThat(files.toList()).as("the half-written archive is removed").isEmpty();
        }
        ActionResult imported = step("rollback-import");
        assertThat(imported.ok()).isFalse();
        assertThat(imported.detail()).isEqualTo("no backup of this node in " + RollbackBean.folder(c)
                + ": run the backup step first");
        assertThat(Optional.ofNullable(original.server.getActiveSessions()).map(List::size).orElse(0)).isZero();
    }
}
