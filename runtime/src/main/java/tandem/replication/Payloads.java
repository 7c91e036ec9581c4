package tandem.replication;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Recycled arrays for the file data of the sync channel. A cycle moves the whole data set through
 * arrays of {@link SyncCodec#MAX_PAYLOAD} bytes; allocated afresh, each lived just long enough to be
 * promoted under the node's small young generation and the old generation filled with them (measured on
 * a 1 GiB initial sync: about 2 GB allocated on the standby, 49 full collections, 1.8 s of pauses). A
 * handful kept here serve every request in flight. An array that is never given back is collected like
 * any other, so a lost release costs an allocation, never memory.
 */
final class Payloads {
    /** Payloads smaller than this get an array of their own size: not worth pooling. */
    static final int POOLED_FROM = 16 << 10;
    /** Arrays kept: requests in flight on both ends (4 each) with room to spare; 2 MiB at most. */
    private static final int KEEP = 8;
    private static final ArrayBlockingQueue<byte[]> FREE = new ArrayBlockingQueue<>(KEEP);

    private Payloads() {
    }

    /** An array of at least {@code length} bytes (exactly {@code length} below {@link #POOLED_FROM}). */
    static byte[] take(int length) {
        if (length < POOLED_FROM || length > SyncCodec.MAX_PAYLOAD) {
            return length == 0 ? SyncMessage.NONE : new byte[length];
        }
        byte[] a = FREE.poll();
        return a != null ? a : new byte[SyncCodec.MAX_PAYLOAD];
    }

    /** Takes back an array from {@link #take}; others are ignored. */
    static void give(byte[] a) {
        // contains: a message released twice must not hand one array to two users
        if (a != null && a.length == SyncCodec.MAX_PAYLOAD && !FREE.contains(a)) {
            FREE.offer(a);
        }
    }

    /** Arrays waiting to be reused (tests). */
    static int idle() {
        return FREE.size();
    }
}
