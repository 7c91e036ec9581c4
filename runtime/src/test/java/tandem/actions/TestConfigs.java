package tandem.actions;

import java.nio.file.Path;
import java.util.Map;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;

/** Node configs for tests: the required sections plus whatever a test adds. */
public final class TestConfigs {
    private TestConfigs() {
    }

    /** A valid ms-failover node file with {@code extra} (more top-level sections) appended. */
    public static NodeConfig node(Path dir, String extra) {
        String yaml = """
                node:
                  id: node1
                  profile: ms-failover
                cluster:
                  name: cluster1
                  secret: 0123456789abcdef
                peer:
                  id: node2
                  address: 127.0.0.1
                  port: 7402
                """ + extra;
        return ConfigLoader.parse("node1.yaml", yaml, dir, Map.of());
    }
}
