package tandem.sync;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.concurrent.atomic.LongAdder;
import net.openhft.hashing.LongTupleHashFunction;

/**
 * Content hashes, the same on both nodes: what a manifest compares and what the receiver verifies
 * before it renames a file into place.
 *
 * <p>The hash function is XXH3-128 ({@code LongTupleHashFunction.xx128()}, seed 0, from
 * zero-allocation-hashing, or the system's xxHash library where it is installed: {@link NativeXxh3}):
 * not cryptographic, but the nodes trust each other (the peer link is authenticated), and it hashes
 * at several GB/s even with the C1-only JIT the launcher uses. XXH3 is not streaming in that library,
 * so the hashes are defined per block:
 * <ul>
 *   <li>A file is cut into blocks of {@link #BLOCK} = 128 KiB; the last one may be shorter, an empty
 *       file has no block.</li>
 *   <li>Block hash = XXH3-128 of the block's bytes.</li>
 *   <li>File hash = XXH3-128 of the concatenation of the binary block hashes (16 bytes each, in
 *       order) followed by the file's size as 8 bytes little-endian. An empty file's hash is the hash
 *       of its 8 size bytes alone.</li>
 *   <li>Text form: 32 lowercase hex digits, the high 64 bits then the low 64 bits (the canonical form
 *       {@code xxhsum -H2} prints, so a block hash can be checked by hand). The binary form used in the
 *       file hash is the same 16 bytes: high 64 bits big-endian, then low 64 bits big-endian.</li>
 * </ul>
 * The block hashes double as the {@link Signature} for delta transfers: unchanged blocks of a large
 * file are not sent again.
 */
public final class Hashing {
    /** Block size of the hashes and of delta transfers: 128 KiB. */
    public static final int BLOCK = 128 * 1024;

    /** Read buffer size; a multiple of {@link #BLOCK}. */
    static final int READ_BUFFER = 1024 * 1024;

    private static final LongTupleHashFunction XX = LongTupleHashFunction.xx128();
    // heap, not direct: the library hashes direct buffers through a JDK-internal class that Java 17 does not export
    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(READ_BUFFER));
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Hashing() {
    }

    /** The hash of one block (any length up to {@link #BLOCK}, though any length works). */
    public static String blockHash(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        long[] r = new long[2];
        xx128(b, off, len, r);
        return hex(r[1], r[0]);
    }

    /**
     * Inputs from this size up are hashed by the system's xxHash library when there is one (below it the
     * call costs more than it saves: 4 KiB take 1.5 us in Java, 5.8 us through the library).
     */
    private static final int NATIVE_MIN = 32 * 1024;
    private static final boolean NATIVE = NativeXxh3.available();

    /** XXH3-128 of the bytes into {@code result} (low 64 bits at 0): native where it pays, else Java. */
    static void xx128(byte[] b, int off, int len, long[] result) {
        if (NATIVE && len >= NATIVE_MIN && len <= NativeXxh3.CHUNK) {
            NativeXxh3.hash(b, off, len, result);
        } else {
            XX.hashBytes(b, off, len, result);
        }
    }

    /** Whether hashes are computed by the system's xxHash library. */
    static boolean nativeHashing() {
        return NATIVE;
    }

    /** The file hash of content held whole in memory: {@code len} bytes of {@code b} from {@code off}. */
    public static String hash(byte[] b, int off, int len) {
        Hasher h = new Hasher();
        h.update(b, off, len, true);
        return h.finish();
    }

    /**
     * Reads a file (without following a symbolic link) and returns its size, hash and block hashes.
     *
     * @throws IOException when it cannot be read; a symbolic link cannot be opened
     */
    public static FileDigest digest(Path file) throws IOException {
        return digest(file, null);
    }

    /** {@link #digest(Path)}, adding the bytes read to {@code counter} when given. */
    static FileDigest digest(Path file, LongAdder counter) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            Hasher h = new Hasher();
            ByteBuffer buf = buffer();
            boolean eof = false;
            while (!eof) {
                buf.clear();
                while (buf.hasRemaining()) {
                    if (ch.read(buf) < 0) {
                        eof = true;
                        break;
                    }
                }
                buf.flip();
                if (counter != null) {
                    counter.add(buf.remaining());
                }
                h.absorb(buf, eof);
            }
            String hash = h.finish();
            return new FileDigest(h.size(), hash, h.blocks());
        }
    }

    /** This thread's read buffer ({@link #READ_BUFFER} bytes, backed by an array). */
    static ByteBuffer buffer() {
        return BUFFER.get();
    }

    static String hex(long high, long low) {
        char[] c = new char[32];
        for (int i = 15; i >= 0; i--) {
            c[i] = HEX[(int) (high & 0xf)];
            high >>>= 4;
            c[16 + i] = HEX[(int) (low & 0xf)];
            low >>>= 4;
        }
        return new String(c);
    }

    private static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    private static void writeLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    /**
     * A file's size, hash and block hashes.
     *
     * @param size   bytes
     * @param hash   the file hash
     * @param blocks the block hashes, in order; {@code ceil(size / BLOCK)} of them
     */
    public record FileDigest(long size, String hash, List<String> blocks) {
        public FileDigest {
            Objects.requireNonNull(hash, "hash");
            blocks = BlockList.copyOf(blocks);
        }
    }

    /**
     * Computes a file hash from the bytes as they arrive (the receiver hashes while it writes), cutting
     * blocks at {@link #BLOCK} boundaries itself, so the chunks may have any size. Not thread-safe:
     * feed it in order. Memory: 16 bytes per block plus at most one partial block.
     */
    public static final class Hasher {
        private final long[] result = new long[2];
        private byte[] pending = new byte[0];
        private int pendingLen;
        private byte[] hashes = new byte[16 * 4 + 8];
        private int blocks;
        private long size;
        private String hash;

        /** Appends {@code len} bytes of {@code b} from {@code off}. */
        public void update(byte[] b, int off, int len) {
            update(b, off, len, false);
        }

        /**
         * Appends {@code len} bytes of {@code b} from {@code off}; when {@code last}, no more bytes
         * follow, so a tail shorter than a block is hashed where it is instead of being copied (a small
         * file that arrives in one piece is never copied).
         */
        public void update(byte[] b, int off, int len, boolean last) {
            Objects.checkFromIndexSize(off, len, b.length);
            absorb(b, off, len, last);
        }

        /** Appends the remaining bytes of {@code src}, leaving its position at its limit. */
        public void update(ByteBuffer src) {
            absorb(src, false);
        }

        /**
         * Appends {@code src}'s remaining bytes; when {@code last}, no more bytes follow, so a tail
         * shorter than a block is hashed in place instead of being copied.
         */
        void absorb(ByteBuffer src, boolean last) {
            int len = src.remaining();
            if (src.hasArray()) {
                absorb(src.array(), src.arrayOffset() + src.position(), len, last);
                src.position(src.limit());
                return;
            }
            open();
            while (src.hasRemaining()) { // a direct buffer: staged through the pending block
                int n = Math.min(src.remaining(), BLOCK - pendingLen);
                ensurePending(pendingLen + n);
                src.get(pending, pendingLen, n);
                pendingLen += n;
                size += n;
                if (pendingLen == BLOCK) {
                    flushPending();
                }
            }
        }

        private void absorb(byte[] b, int off, int len, boolean last) {
            open();
            size += len;
            if (pendingLen > 0) {
                int n = Math.min(len, BLOCK - pendingLen);
                appendPending(b, off, n);
                off += n;
                len -= n;
                if (pendingLen == BLOCK) {
                    flushPending();
                }
            }
            while (len >= BLOCK || (last && len > 0 && pendingLen == 0)) {
                int n = Math.min(len, BLOCK);
                xx128(b, off, n, result);
                addBlock();
                off += n;
                len -= n;
            }
            if (len > 0) {
                appendPending(b, off, len);
            }
        }

        /**
         * Appends a block whose hash is already known (a block copied unchanged from the current file
         * in a delta rebuild, whose hash was just computed by {@link Signature#of}): nothing is read.
         * Only at a block boundary; {@code len} is {@link #BLOCK}, or less for a file's last block.
         */
        public void addKnownBlock(String blockHash, int len) {
            open();
            if (pendingLen != 0) {
                throw new IllegalStateException("a known block must start at a block boundary");
            }
            if (len <= 0 || len > BLOCK || blockHash.length() != 32) {
                throw new IllegalArgumentException("block of " + len + " bytes with hash " + blockHash);
            }
            result[1] = Long.parseUnsignedLong(blockHash.substring(0, 16), 16);
            result[0] = Long.parseUnsignedLong(blockHash.substring(16), 16);
            addBlock();
            size += len;
        }

        /** Bytes fed so far. */
        public long size() {
            return size;
        }

        /** Ends the input and returns the file hash; later calls return the same. */
        public String finish() {
            if (hash == null) {
                if (pendingLen > 0) {
                    flushPending();
                }
                pending = null;
                int n = blocks * 16;
                long v = size;
                for (int i = 0; i < 8; i++) {
                    hashes[n + i] = (byte) v;
                    v >>>= 8;
                }
                xx128(hashes, 0, n + 8, result);
                hash = hex(result[1], result[0]);
            }
            return hash;
        }

        /** The block hashes, in order; ends the input like {@link #finish()}. */
        public List<String> blocks() {
            finish();
            return new BlockList(hashes, blocks);
        }

        private void open() {
            if (hash != null) {
                throw new IllegalStateException("hasher already finished");
            }
        }

        private void appendPending(byte[] b, int off, int n) {
            ensurePending(pendingLen + n);
            System.arraycopy(b, off, pending, pendingLen, n);
            pendingLen += n;
        }

        private void ensurePending(int need) {
            if (need > pending.length) {
                pending = Arrays.copyOf(pending, Math.max(need, Math.min(BLOCK, Math.max(256, pending.length * 2))));
            }
        }

        private void flushPending() {
            xx128(pending, 0, pendingLen, result);
            addBlock();
            pendingLen = 0;
        }

        private void addBlock() {
            int need = (blocks + 1) * 16 + 8;
            if (need > hashes.length) {
                hashes = Arrays.copyOf(hashes, Math.max(need, hashes.length * 2));
            }
            writeLong(hashes, blocks * 16, result[1]);
            writeLong(hashes, blocks * 16 + 8, result[0]);
            blocks++;
        }
    }

    /**
     * An immutable list of block hashes kept as 16 bytes each and formatted on access, so a large
     * file's signature costs 16 bytes per 128 KiB block, not a String each.
     */
    static final class BlockList extends AbstractList<String> implements RandomAccess {
        private final byte[] hashes;
        private final int count;

        BlockList(byte[] hashes, int count) {
            this.hashes = hashes;
            this.count = count;
        }

        static List<String> copyOf(List<String> blocks) {
            Objects.requireNonNull(blocks, "blocks");
            return blocks instanceof BlockList ? blocks : List.copyOf(blocks);
        }

        @Override
        public String get(int index) {
            Objects.checkIndex(index, count);
            return hex(readLong(hashes, index * 16), readLong(hashes, index * 16 + 8));
        }

        @Override
        public int size() {
            return count;
        }
    }
}
