package tandem.replication;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The frames of the sync channel (DESIGN.md "Replication"), on {@code listen.port + 2}:
 *
 * <pre>
 *   uint32 length       of everything after it, at most {@link #MAX_FRAME}
 *   uint8  version      {@link #VERSION}
 *   uint32 headerLength
 *   byte[] header       UTF-8 JSON: type, from, session, seq, ts, plen (payload length), fields
 *   byte[32] hmac       HMAC-SHA256(cluster secret, version + headerLength + header)
 *   byte[] payload      raw file data, plen bytes
 * </pre>
 *
 * The HMAC covers the header, not the payload: payloads are only ever file data, and every file
 * written from them is checked against its content hash (XXH3-128 over 128 KiB blocks) from the
 * active node's signed manifest before it is renamed into place, so bulk data costs no HMAC over
 * every byte (HMAC-SHA256 runs at ~170 MB/s with the C1-only JIT the node uses). A corrupted or
 * tampered payload therefore fails its file's check and is fetched again at the next cycle. XXH3 is
 * not collision resistant: against someone who can rewrite the TCP stream between the nodes, run the
 * links in TLS ({@code peer.tls}), which covers this channel too.
 */
public final class SyncCodec {
    public static final int VERSION = 1;
    /**
     * Largest payload of one frame: file data travels in chunks of this size. 256 KiB rather than more:
     * with the node's small young generation, megabyte arrays in flight were promoted and forced a full
     * collection every few requests (measured: 9 instead of 56 full collections for 300 MB).
     */
    public static final int MAX_PAYLOAD = 256 << 10;
    /** Largest header (a manifest page is a header). */
    public static final int MAX_HEADER = 4 << 20;
    /** Largest frame after the length prefix. */
    public static final int MAX_FRAME = 1 + 4 + MAX_HEADER + 32 + MAX_PAYLOAD;

    /**
     * Field names are neither canonicalized nor interned: a read's {@code hashes} object is keyed by
     * file paths, and a full sync of 20,000 files otherwise grew Jackson's shared symbol table and the
     * JVM's string table by every path (rehashing as they grew; the string table is walked at every
     * young collection), which cost the standby about 5 % of its CPU.
     */
    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final SecretKeySpec key;
    /** One keyed Mac per thread: looking one up and keying it cost more than signing a small header. */
    private final ThreadLocal<Mac> macs;

    public SyncCodec(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(key);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        });
    }

    /** A frame, length prefix included (tests and tools; the pipeline writes straight into its buffer). */
    public byte[] encode(SyncMessage m) {
        Signed s = sign(m);
        ByteBuffer b = ByteBuffer.allocate(4 + s.frameLength());
        b.putInt(s.frameLength()).put((byte) VERSION).putInt(s.header().length).put(s.header()).put(s.mac())
                .put(m.payload(), 0, m.length());
        return b.array();
    }

    /** A message's header bytes and their HMAC, ready to go out. */
    record Signed(byte[] header, byte[] mac, int payloadLength) {
        /** The frame's length after the length prefix. */
        int frameLength() {
            return 1 + 4 + header.length + mac.length + payloadLength;
        }
    }

    /** Sets {@code plen} in the header and signs it. */
    Signed sign(SyncMessage m) {
        ObjectNode h = m.header();
        h.put("plen", m.length());
        byte[] header;
        try {
            header = JSON.writeValueAsBytes(h);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
        if (header.length > MAX_HEADER) {
            throw new IllegalArgumentException("sync header of " + header.length + " bytes exceeds " + MAX_HEADER);
        }
        return new Signed(header, mac(VERSION, header), m.length());
    }

    /**
     * Checks and parses one frame (the bytes after the length prefix). Never parses JSON before the
     * HMAC matched.
     *
     * @throws BadFrameException naming what was wrong
     */
    public SyncMessage decode(byte[] frame) throws BadFrameException {
        ByteBuffer b = ByteBuffer.wrap(frame);
        if (frame.length < 1 + 4 + 2 + 32) {
            throw new BadFrameException("frame of " + frame.length + " bytes is too short");
        }
        int version = b.get() & 0xff;
        int headerLength = b.getInt();
        if (version != VERSION) {
            throw new BadFrameException("sync protocol version " + version + ", expected " + VERSION);
        }
        if (headerLength < 2 || headerLength > MAX_HEADER || 1 + 4 + headerLength + 32 > frame.length) {
            throw new BadFrameException("header length " + headerLength + " does not fit a frame of " + frame.length
                    + " bytes");
        }
        byte[] header = new byte[headerLength];
        b.get(header);
        byte[] mac = new byte[32];
        b.get(mac);
        byte[] payload = new byte[b.remaining()];
        b.get(payload);
        return decode(version, header, mac, payload, payload.length);
    }

    /**
     * The checks of {@link #decode(byte[])} on a frame already cut into its parts; the payload is the
     * first {@code length} bytes of {@code payload}.
     */
    SyncMessage decode(int version, byte[] header, byte[] mac, byte[] payload, int length) throws BadFrameException {
        if (version != VERSION) {
            throw new BadFrameException("sync protocol version " + version + ", expected " + VERSION);
        }
        if (!MessageDigest.isEqual(mac, mac(version, header))) {
            throw new BadFrameException("HMAC does not match: forged or corrupted, or the sender has another cluster"
                    + " secret");
        }
        ObjectNode h;
        try {
            JsonNode n = JSON.readTree(header);
            if (!(n instanceof ObjectNode o)) {
                throw new BadFrameException("header is not a JSON object");
            }
            h = o;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadFrameException("header is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadFrameException("header is not valid JSON: " + e.getMessage());
        }
        if (h.path("plen").asLong(-1) != length) {
            throw new BadFrameException("payload of " + length + " bytes, header says " + h.path("plen"));
        }
        return new SyncMessage(h, length == 0 ? SyncMessage.NONE : payload, length);
    }

    byte[] mac(int version, byte[] header) {
        Mac m = macs.get();
        m.update((byte) version);
        m.update((byte) (header.length >>> 24));
        m.update((byte) (header.length >>> 16));
        m.update((byte) (header.length >>> 8));
        m.update((byte) header.length);
        return m.doFinal(header); // doFinal also resets it for the next frame
    }

    /** A frame that is not accepted. */
    public static final class BadFrameException extends Exception {
        public BadFrameException(String message) {
            super(message);
        }
    }
}
