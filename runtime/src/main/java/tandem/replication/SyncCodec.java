package tandem.replication;

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
import tandem.sync.Hashing;

/**
 * The frames of the sync channel (DESIGN.md "Replication"), on {@code listen.port + 2}:
 *
 * <pre>
 *   uint32 length       of everything after it, at most {@link #MAX_FRAME}
 *   uint8  version      {@link #VERSION}
 *   uint32 headerLength
 *   byte[] header       UTF-8 JSON: type, from, session, seq, ts, plen (payload length), phash, fields
 *   byte[32] hmac       HMAC-SHA256(cluster secret, version + headerLength + header)
 *   byte[] payload      raw file data, plen bytes
 * </pre>
 *
 * The HMAC covers the header, which names the payload's length and its XXH3-128 ({@code phash}), so
 * a frame's payload cannot be swapped without the header failing, and bulk data costs one fast hash
 * instead of an HMAC over every byte (HMAC-SHA256 runs at ~170 MB/s with the C1-only JIT the node
 * uses). XXH3 is not collision resistant: against someone who can rewrite the TCP stream between the
 * nodes, run the links in TLS ({@code peer.tls}), which covers this channel too. Every file written
 * from it is checked again against the file hash of the active node's manifest before it is renamed
 * into place.
 */
public final class SyncCodec {
    public static final int VERSION = 1;
    /** Largest payload of one frame (file data is read in chunks of this size). */
    public static final int MAX_PAYLOAD = 1 << 20;
    /** Largest header (a manifest page is a header). */
    public static final int MAX_HEADER = 4 << 20;
    /** Largest frame after the length prefix. */
    public static final int MAX_FRAME = 1 + 4 + MAX_HEADER + 32 + MAX_PAYLOAD;

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final SecretKeySpec key;

    public SyncCodec(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** A frame, length prefix included; sets plen and phash in the header. */
    public byte[] encode(SyncMessage m) {
        ObjectNode h = m.header();
        h.put("plen", m.payload().length);
        if (m.payload().length > 0) {
            h.put("phash", Hashing.blockHash(m.payload(), 0, m.payload().length));
        } else {
            h.remove("phash");
        }
        byte[] header;
        try {
            header = JSON.writeValueAsBytes(h);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
        if (header.length > MAX_HEADER) {
            throw new IllegalArgumentException("sync header of " + header.length + " bytes exceeds " + MAX_HEADER);
        }
        byte[] mac = mac(VERSION, header);
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + 4 + header.length + mac.length + m.payload().length);
        b.putInt(1 + 4 + header.length + mac.length + m.payload().length).put((byte) VERSION).putInt(header.length)
                .put(header).put(mac).put(m.payload());
        return b.array();
    }

    /**
     * Checks and parses one frame (the bytes after the length prefix). Never parses JSON before the
     * HMAC matched.
     *
     * @throws BadFrameException naming what was wrong
     */
    public SyncMessage decode(byte[] frame) throws BadFrameException {
        if (frame.length < 1 + 4 + 2 + 32) {
            throw new BadFrameException("frame of " + frame.length + " bytes is too short");
        }
        ByteBuffer b = ByteBuffer.wrap(frame);
        int version = b.get() & 0xff;
        if (version != VERSION) {
            throw new BadFrameException("sync protocol version " + version + ", expected " + VERSION);
        }
        int headerLength = b.getInt();
        if (headerLength < 2 || headerLength > MAX_HEADER || 1 + 4 + headerLength + 32 > frame.length) {
            throw new BadFrameException("header length " + headerLength + " does not fit a frame of " + frame.length
                    + " bytes");
        }
        byte[] header = new byte[headerLength];
        b.get(header);
        byte[] mac = new byte[32];
        b.get(mac);
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
        byte[] payload = new byte[b.remaining()];
        b.get(payload);
        if (h.path("plen").asLong(-1) != payload.length) {
            throw new BadFrameException("payload of " + payload.length + " bytes, header says " + h.path("plen"));
        }
        if (payload.length > 0 && !Hashing.blockHash(payload, 0, payload.length).equals(h.path("phash").asText())) {
            throw new BadFrameException("payload does not match its hash in the signed header");
        }
        return new SyncMessage(h, payload.length == 0 ? SyncMessage.NONE : payload);
    }

    private byte[] mac(int version, byte[] header) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            m.update((byte) version);
            m.update(ByteBuffer.allocate(4).putInt(header.length).array());
            return m.doFinal(header);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** A frame that is not accepted. */
    public static final class BadFrameException extends Exception {
        public BadFrameException(String message) {
            super(message);
        }
    }
}
