package tandem.replication;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the heap grow freely while a sync cycle runs, and tight again afterwards.
 *
 * <p>{@code bin/tandem} starts the node with {@code -XX:MinHeapFreeRatio=5}: after a full collection the
 * old generation keeps only 5 % free, so an idle node stays small. A cycle, though, builds up live data
 * (the manifests of both trees, the hash caches) and every step of that growth then cost another full
 * collection (measured: 49 of them, 1.8 s of pauses, on the standby during a 1 GiB initial sync). While
 * at least one cycle runs (on either end) the free ratios are 40 / 70 %, HotSpot's defaults; the last
 * one to end puts back what the node was started with, and the heap shrinks back at a later collection.
 * Both flags are manageable ones; a VM that refuses them is simply left alone.
 */
public final class HeapRoom {
    private static final Logger LOG = LoggerFactory.getLogger(HeapRoom.class);
    static final int MIN_FREE = 40;
    static final int MAX_FREE = 70;
    private static int open;
    private static String[] started;
    /** Heap committed when the first cycle began. */
    private static long committedBefore;
    /** Growth past which the end of the last cycle compacts the heap at once. */
    static final long COMPACT_AFTER = 16L << 20;

    private HeapRoom() {
    }

    /** One more cycle under way; close the returned handle when it ends. */
    public static synchronized Handle widen() {
        if (open++ == 0) {
            committedBefore = committed();
            HotSpotDiagnosticMXBean vm = vm();
            if (vm != null) {
                try {
                    String min = vm.getVMOption("MinHeapFreeRatio").getValue();
                    String max = vm.getVMOption("MaxHeapFreeRatio").getValue();
                    if (Integer.parseInt(min) < MIN_FREE || Integer.parseInt(max) < MAX_FREE) {
                        // raise the upper bound first: min may never exceed max
                        vm.setVMOption("MaxHeapFreeRatio", String.valueOf(Math.max(MAX_FREE, Integer.parseInt(max))));
                        vm.setVMOption("MinHeapFreeRatio", String.valueOf(Math.max(MIN_FREE, Integer.parseInt(min))));
                        started = new String[] {min, max};
                    }
                } catch (RuntimeException e) {
                    LOG.debug("heap free ratios left as they are: {}", e.toString());
                }
            }
        }
        return new Handle();
    }

    /** One cycle's hold on the wider heap; closing it twice counts once. */
    public static final class Handle implements AutoCloseable {
        private boolean closed;

        private Handle() {
        }

        @Override
        public void close() {
            synchronized (HeapRoom.class) {
                if (!closed) {
                    closed = true;
                    narrow();
                }
            }
        }
    }

    private static void narrow() {
        if (--open > 0 || started == null) {
            return;
        }
        HotSpotDiagnosticMXBean vm = vm();
        try {
            vm.setVMOption("MinHeapFreeRatio", started[0]);
            vm.setVMOption("MaxHeapFreeRatio", started[1]);
        } catch (RuntimeException e) {
            LOG.debug("heap free ratios not restored: {}", e.toString());
        }
        started = null;
        long grown = committed() - committedBefore;
        if (grown > COMPACT_AFTER) {
            // a bulk transfer left the heap large and full of dead file data: collected now, between
            // cycles, it gives the memory back at once instead of costing the next cycle a long pause
            LOG.debug("heap grew by {} MiB during sync cycles; compacting it", grown >> 20);
            System.gc();
        }
    }

    private static long committed() {
        try {
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** Cycles under way (tests). */
    static synchronized int open() {
        return open;
    }

    private static HotSpotDiagnosticMXBean vm() {
        try {
            return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
