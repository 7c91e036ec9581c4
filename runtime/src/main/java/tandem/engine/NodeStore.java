package tandem.engine;

import java.util.Optional;

/**
 * Where a node keeps what must survive a crash: its last state, data state and generation. A node
 * that died while paired (PRIM or SECOND) cannot know whether its peer went on alone, so at boot
 * the engine treats its data as not uptodate (DESIGN "Node states").
 */
public interface NodeStore {

    /** What was saved last, or empty on a fresh installation. */
    Optional<PersistedNode> load();

    /** Saves atomically: after a crash, {@link #load()} returns either the old or the new value, whole. */
    void save(PersistedNode node);

    /** A store in memory, for the simulation (it outlives the simulated node's crash) and unit tests. */
    final class InMemory implements NodeStore {
        private PersistedNode saved;

        @Override
        public Optional<PersistedNode> load() {
            return Optional.ofNullable(saved);
        }

        @Override
        public void save(PersistedNode node) {
            saved = node;
        }
    }
}
