package tandem.link;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
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
 * Turns envelopes into signed frames and back ({@link Protocol} has the layout). Thread-safe.
 *
 * <p>The receiving side checks in the order that never parses unauthenticated input: length, version,
 * HMAC, and only then the JSON.
 */
final class FrameCodec {
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Version byte + the smallest JSON object ({@code {}}) + HMAC. */
    static final int MIN_FRAME = 1 + 2 + Protocol.HMAC_LENGTH;

    private static final String HMAC = "HmacSHA256";

    private final SecretKeySpec key;

    FrameCodec(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC);
    }

    /** The whole frame, length prefix included. */
    byte[] encode(Envelope e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", e.type().name());
        n.put("from", e.from());
        n.put("link", e.link());
        n.put("session", e.session());
        n.put("seq", e.seq());
        n.put("ts", e.ts());
        n.set("body", e.body());
        try {
            return frame(Protocol.VERSION, JSON.writeValueAsBytes(n));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot write a JSON tree", ex);
        }
    }

    /** A frame around arbitrary envelope bytes with any version byte, signed with this codec's key. */
    byte[] frame(int version, byte[] envelope) {
        byte[] mac = mac((byte) version, envelope, 0, envelope.length);
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + envelope.length + mac.length);
        b.putInt(1 + envelope.length + mac.length).put((byte) version).put(envelope).put(mac);
        return b.array();
    }

    /**
     * Checks and parses one frame.
     *
     * @param frame the bytes after the length prefix: version, envelope, HMAC
     * @throws Dropped with the reason and a one-line detail
     */
    Envelope decode(byte[] frame) throws Dropped {
        if (frame.length < MIN_FRAME) {
            throw new Dropped(DropReason.TRUNCATED, "frame of " + frame.length + " bytes is shorter than the "
                    + MIN_FRAME + " of version, envelope and HMAC");
        }
        int version = frame[0] & 0xff;
        if (version != Protocol.VERSION) {
            throw new Dropped(DropReason.WRONG_VERSION, "protocol version " + version + ", expected " + Protocol.VERSION);
        }
        int envelopeLength = frame.length - 1 - Protocol.HMAC_LENGTH;
        byte[] expected = mac(frame[0], frame, 1, envelopeLength);
        byte[] actual = new byte[Protocol.HMAC_LENGTH];
        System.arraycopy(frame, frame.length - Protocol.HMAC_LENGTH, actual, 0, Protocol.HMAC_LENGTH);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new Dropped(DropReason.BAD_HMAC,
                    "HMAC does not match: forged or corrupted, or the sender has another cluster secret");
        }
        JsonNode root;
        try {
            root = JSON.readTree(frame, 1, envelopeLength);
        } catch (IOException e) {
            throw new Dropped(DropReason.MALFORMED, "envelope is not JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new Dropped(DropReason.MALFORMED, "envelope is not a JSON object");
        }
        String typeName = text(root, "type");
        FrameType type;
        try {
            type = FrameType.valueOf(typeName);
        } catch (IllegalArgumentException e) {
            throw new Dropped(DropReason.MALFORMED, "unknown frame type \"" + typeName + "\"");
        }
        String from = text(root, "from");
        String link = text(root, "link");
        String session = text(root, "session");
        long seq = number(root, "seq");
        if (seq < 1) {
            throw new Dropped(DropReason.MALFORMED, "seq must be 1 or more, got " + seq);
        }
        long ts = number(root, "ts");
        JsonNode body = root.get("body");
        if (body == null || !body.isObject()) {
            throw new Dropped(DropReason.MALFORMED, "envelope lacks the object \"body\"");
        }
        return new Envelope(type, from, link, session, seq, ts, (ObjectNode) body);
    }

    /** A required non-empty string field of {@code node}. */
    static String text(JsonNode node, String field) throws Dropped {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new Dropped(DropReason.MALFORMED, "lacks the string \"" + field + "\"");
        }
        return v.asText();
    }

    /** A required integral field of {@code node} that fits a long. */
    static long number(JsonNode node, String field) throws Dropped {
        JsonNode v = node.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new Dropped(DropReason.MALFORMED, "lacks the integer \"" + field + "\"");
        }
        return v.asLong();
    }

    /** A required boolean field of {@code node}. */
    static boolean bool(JsonNode node, String field) throws Dropped {
        JsonNode v = node.get(field);
        if (v == null || !v.isBoolean()) {
            throw new Dropped(DropReason.MALFORMED, "lacks the boolean \"" + field + "\"");
        }
        return v.asBoolean();
    }

    private byte[] mac(byte version, byte[] data, int offset, int length) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            mac.update(version);
            mac.update(data, offset, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
