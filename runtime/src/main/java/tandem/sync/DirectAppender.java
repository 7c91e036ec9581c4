package tandem.sync;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends a file's content around the page cache ({@code O_DIRECT}, through a second descriptor of
 * the same file) in whole, aligned buffers; at the end, what is left of the last block (less than
 * the file system's block) goes through the ordinary descriptor. The standby does not read what it
 * receives until a takeover, so caching it would only evict what the node does read, and copying a
 * file into the page cache costs the kernel more than the disk takes to store it (measured here: 1 GiB
 * in 1.8-2.3 s of system time buffered, plus its write-back, against 0.25 s direct).
 *
 * <p>A file system that refuses direct I/O (tmpfs, some network file systems) makes {@link #open}
 * return null, and a direct write that fails hands over to the ordinary descriptor (a full disk is then
 * reported by that write, as for any file). Buffers come from a small pool of aligned direct buffers.
 */
final class DirectAppender implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectAppender.class);
    /** Bytes per direct write: the sync channel's chunk, a multiple of every usual block size. */
    static final int BUFFER = 256 << 10;
    /** Alignment of the buffers (the largest block size expected of a disk file system). */
    private static final int ALIGN = 4096;
    /** Buffers kept for the next files: one per fetch in flight, with room to spare. */
    private static final ArrayBlockingQueue<ByteBuffer> POOL = new ArrayBlockingQueue<>(8);

    private final FileChannel out;
    private final String name;
    /** The direct descriptor; null once closed or fallen back to {@link #out}. */
    private FileChannel direct;
    /** The aligned buffer; null once closed or fallen back. */
    private ByteBuffer buf;
    /** Where the next byte not yet in {@link #buf} goes (buffered) or the next full buffer (direct). */
    private long position;

    private DirectAppender(FileChannel out, FileChannel direct, ByteBuffer buf, String name) {
        this.out = out;
        this.direct = direct;
        this.buf = buf;
        this.name = name;
    }

    /**
     * Appends to the existing, empty {@code file} (open as {@code out}) through a direct descriptor, or
     * null when its file system (or its block size) does not allow direct writes from these buffers.
     */
    static DirectAppender open(Path file, FileChannel out, int blockSize) {
        if (blockSize <= 0 || blockSize > ALIGN || ALIGN % blockSize != 0) {
            return null;
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("no direct writes to {}: {}", file, e.toString());
            return null;
        }
        return of(out, ch, file.getFileName().toString());
    }

    /** Appends through {@code direct} (an {@code O_DIRECT} descriptor of the file {@code out} writes). */
    static DirectAppender of(FileChannel out, FileChannel direct, String name) {
        return new DirectAppender(out, direct, take(), name);
    }

    /** Appends bytes; each full buffer is written at once. */
    void append(byte[] b, int off, int len) throws IOException {
        if (buf == null) {
            ByteBuffer w = ByteBuffer.wrap(b, off, len);
            while (w.hasRemaining()) {
                position += out.write(w, position);
            }
            return;
        }
        while (len > 0) {
            int n = Math.min(len, buf.remaining());
            buf.put(b, off, n);
            off += n;
            len -= n;
            if (!buf.hasRemaining()) {
                writeBuffer();
                if (buf == null) { // fell back to the ordinary descriptor: the rest goes there
                    append(b, off, len);
                    return;
                }
            }
        }
    }

    /** Whether {@link #appendFrom} can read straight into the buffer (its fill is block aligned). */
    boolean canAppendFrom() {
        return buf != null && buf.position() % ALIGN == 0;
    }

    /**
     * Appends {@code len} bytes of {@code src} (a direct descriptor) from {@code at} (block aligned), read
     * straight into the buffer: a copy that passes through no page cache. Stops early, returning how
     * much it appended, when the appender had to fall back to the ordinary descriptor.
     *
     * @throws IOException when {@code src} cannot be read or ends before {@code at + len}
     */
    long appendFrom(FileChannel src, long at, long len) throws IOException {
        long done = 0;
        while (done < len && canAppendFrom()) {
            int start = buf.position();
            int n = (int) Math.min(len - done, buf.remaining());
            // a direct read takes whole blocks; past the end of the file it returns what there is
            buf.limit(Math.min(buf.capacity(), start + (n + ALIGN - 1) / ALIGN * ALIGN));
            while (buf.position() < start + n) {
                if (src.read(buf, at + done + (buf.position() - start)) < 0) {
                    buf.limit(buf.capacity());
                    buf.position(start);
                    throw new IOException("the current file ends before " + (at + len) + " bytes");
                }
            }
            buf.limit(buf.capacity());
            buf.position(start + n);
            done += n;
            if (!buf.hasRemaining()) {
                writeBuffer();
            }
        }
        return done;
    }

    /**
     * Writes the full buffer directly; when that fails, writes it (and from then on everything) through
     * the ordinary descriptor, whose own failure (a full disk) is then what is thrown.
     */
    private void writeBuffer() throws IOException {
        buf.flip();
        try {
            while (buf.hasRemaining()) {
                position += direct.write(buf, position);
            }
            buf.clear();
            return;
        } catch (IOException e) {
            LOG.debug("direct write to {} failed ({}); writing on through the page cache", name, e.toString());
        }
        ByteBuffer left = buf;
        try {
            while (left.hasRemaining()) {
                position += out.write(left, position);
            }
        } finally {
            close();
        }
    }

    /**
     * Writes what is still buffered (its whole blocks directly, the rest through {@code out}) and
     * leaves {@code out} positioned after the last byte, then closes the direct descriptor.
     */
    void finish() throws IOException {
        try {
            if (buf != null) {
                buf.flip();
                int end = buf.limit();
                buf.limit(end / ALIGN * ALIGN);
                try {
                    while (buf.hasRemaining()) {
                        position += direct.write(buf, position);
                    }
                } catch (IOException e) {
                    LOG.debug("direct write to {} failed ({}); writing the rest through the page cache", name,
                            e.toString());
                }
                buf.limit(end);
                while (buf.hasRemaining()) {
                    position += out.write(buf, position);
                }
            }
            out.position(position);
        } finally {
            close();
        }
    }

    /** Closes the direct descriptor and returns the buffer; what is still buffered is dropped. Idempotent. */
    @Override
    public void close() {
        if (direct != null) {
            try {
                direct.close();
            } catch (IOException e) {
                LOG.debug("cannot close the direct descriptor of {}: {}", name, e.getMessage());
            }
            direct = null;
        }
        if (buf != null) {
            POOL.offer(buf); // a full pool leaves it to the collector
            buf = null;
        }
    }

    private static ByteBuffer take() {
        ByteBuffer b = POOL.poll();
        return b != null ? b.clear() : ByteBuffer.allocateDirect(BUFFER + ALIGN).alignedSlice(ALIGN).limit(BUFFER).slice();
    }
}
