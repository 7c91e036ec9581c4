package tandem.sync;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * XXH3-128 from the system's xxHash library ({@code libxxhash.so.0}, Debian's {@code libxxhash0}, which
 * rsync uses too), called through JNA's direct mapping. A call costs about 5 us (the copy into native
 * memory, the returned structure), so it pays from about 16 KiB: a 128 KiB block takes 14 us here
 * against 44 us for the Java implementation under the node's C1-only JIT. The same function, so the same hashes (checked at
 * load, and by the tests); without the library {@link Hashing} uses the Java one.
 * {@code -Dtandem.sync.native-hash=false} turns it off.
 */
final class NativeXxh3 {
    private static final Logger LOG = LoggerFactory.getLogger(NativeXxh3.class);
    /** Bytes hashed through one thread's native buffer at a time: a hash block. */
    static final int CHUNK = Hashing.BLOCK;
    /**
     * Native buffers the bytes are copied into, shared by all threads (the fetch and scan threads are
     * made per cycle: buffers of their own would be left to the collector each time).
     */
    private static final ArrayBlockingQueue<Memory> BUFFERS = new ArrayBlockingQueue<>(8);
    /** Initialized last: its check uses the fields above. */
    private static final boolean AVAILABLE = load();

    private NativeXxh3() {
    }

    /** XXH128_hash_t, returned by value. */
    public static final class Hash128 extends Structure implements Structure.ByValue {
        public long low64;
        public long high64;

        @Override
        protected List<String> getFieldOrder() {
            return List.of("low64", "high64");
        }
    }

    private static native Hash128 XXH3_128bits(Pointer data, NativeLong len);

    private static boolean load() {
        if ("false".equals(System.getProperty("tandem.sync.native-hash"))) {
            return false;
        }
        try {
            // JNA finds the versioned libxxhash.so.0 without the development package's link
            Native.register(NativeXxh3.class, NativeLibrary.getInstance("xxhash"));
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.debug("no native xxHash ({}); hashing in Java", e.toString());
            return false;
        }
        // the library must compute what the Java implementation computes, or the nodes would disagree
        byte[] probe = new byte[1000];
        for (int i = 0; i < probe.length; i++) {
            probe[i] = (byte) (i * 31 + 7);
        }
        long[] mine = new long[2];
        long[] java = net.openhft.hashing.LongTupleHashFunction.xx128().hashBytes(probe);
        try {
            hash(probe, 0, probe.length, mine);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.info("native xxHash unusable ({}); hashing in Java", e.toString());
            return false;
        }
        if (mine[0] != java[0] || mine[1] != java[1]) {
            LOG.warn("the system's xxHash library computes other XXH3-128 hashes than Tandem's; hashing in Java");
            return false;
        }
        return true;
    }

    static boolean available() {
        return AVAILABLE;
    }

    /**
     * Hashes {@code len} bytes of {@code b} from {@code off} (at most {@link Hashing#BLOCK}) into
     * {@code result}: low 64 bits at 0, high at 1, as the Java implementation returns them.
     */
    static void hash(byte[] b, int off, int len, long[] result) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len > CHUNK) {
            throw new IllegalArgumentException("at most " + CHUNK + " bytes at a time, not " + len);
        }
        Memory polled = BUFFERS.poll();
        Memory m = polled != null ? polled : new Memory(CHUNK);
        try {
            m.write(0, b, off, len);
            Hash128 h = XXH3_128bits(m, new NativeLong(len));
            result[0] = h.low64;
            result[1] = h.high64;
        } finally {
            if (!BUFFERS.offer(m)) {
                m.close();
            }
        }
    }
}
