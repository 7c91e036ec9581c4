package tandem.redundancy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;

/** Redundancy node files in a test's folder, with the backup and import commands a test names. */
public final class Nodes {
    public static final String ACTIVE_KEY = "XXXXX-YYYYY-ZZZZZ-11111";
    public static final String VERSION = "8.4.2";

    private Nodes() {
    }

    /** A standby in {@code dir} (state in {@code dir/state}) whose import command is {@code command}. */
    public static NodeConfig standby(Path dir, String command) throws IOException {
        return write(dir, "standby.yaml", """
                node: {id: standby, profile: redundancy, state-dir: state}
                cluster: {name: pair, secret: 0123456789abcdef}
                peer: {id: active, address: 127.0.0.1, port: 7403}
                listen: {address: 127.0.0.1, port: 7413}
                redundancy:
                  role: standby
                  license-key: DDDDD-FFFFF-TTTTT-22222
                  active-license-key: %s
                  version: "%s"
                  import: {command: "%s", folder: incoming}
                """.formatted(ACTIVE_KEY, VERSION, command));
    }

    /**
     * An active in {@code dir} (state in {@code dir/state}, backups in {@code dir/backups}) whose backup
     * command is {@code command}, sending to the standby's SSH at 127.0.0.1:{@code port} ({@code login} is
     * the YAML of the password or key) into {@code remoteFolder}, with {@code importCommand} run there.
     */
    public static NodeConfig active(Path dir, String command, int port, String login, String remoteFolder,
            String importCommand, String transfer) throws IOException {
        return write(dir, "active.yaml", """
                node: {id: active, profile: redundancy, state-dir: state}
                cluster: {name: pair, secret: 0123456789abcdef}
                peer: {id: standby, address: 127.0.0.1, port: 7413}
                listen: {address: 127.0.0.1, port: 7403}
                mail: {host: 127.0.0.1, port: 2525, from: pair@example.com, to: [ops@example.com]}
                redundancy:
                  role: active
                  license-key: %s
                  version: "%s"
                  backup: {command: "%s", folder: backups, keep: 2}
                  schedule: {unit: days, every: 1, start-date: 24.12.2026, start-time: "02:30", time-zone: UTC}
                  transfer: %s
                  standby:
                    address: 127.0.0.1
                    ssh-port: %d
                    %s
                    known-hosts: known_hosts
                    folder: %s
                    import-command: "%s"
                """.formatted(ACTIVE_KEY, VERSION, command, transfer, port, login, remoteFolder, importCommand));
    }

    private static NodeConfig write(Path dir, String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        return ConfigLoader.load(file);
    }
}
