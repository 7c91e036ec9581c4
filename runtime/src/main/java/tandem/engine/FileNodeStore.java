package tandem.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import tandem.AtomicFiles;
import tandem.TandemException;
import tandem.facts.DataState;
import tandem.facts.NodeState;

/**
 * Keeps a node's persisted state in {@code <state-dir>/node.state} (a properties file), written to a
 * temporary file, fsynced and renamed, so a crash leaves the old or the new file, never half of one.
 */
public final class FileNodeStore implements NodeStore {
    private final Path file;

    public FileNodeStore(Path stateDir) {
        this.file = stateDir.resolve("node.state");
    }

    @Override
    public Optional<PersistedNode> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
            return Optional.of(new PersistedNode(NodeState.valueOf(p.getProperty("state")),
                    DataState.valueOf(p.getProperty("data")), Long.parseLong(p.getProperty("generation"))));
        } catch (IOException | RuntimeException e) {
            throw new TandemException(file + ": unreadable node state (" + e.getMessage()
                    + "); move it away to start this node as a fresh installation", e);
        }
    }

    @Override
    public void save(PersistedNode node) {
        String text = "state=" + node.state() + "\ndata=" + node.data() + "\ngeneration=" + node.generation() + "\n";
        try {
            AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot save node state", e);
        }
    }
}
