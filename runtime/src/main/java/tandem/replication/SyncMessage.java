package tandem.replication;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One message of the sync channel: a JSON header (signed) and raw payload bytes (file data; empty for
 * control messages), the first {@code length} bytes of {@code payload}. Requests go from the standby to
 * the active node, which answers each with one reply; see {@link SyncCodec} for the frame.
 *
 * <p>A payload array may come from {@link Payloads}' pool: its last user hands it back with
 * {@link #release()} (the frame encoder once it copied the bytes out, the standby once it wrote them);
 * the message must not be read after that. One that is never released is simply collected.
 */
public record SyncMessage(ObjectNode header, byte[] payload, int length) {
    static final byte[] NONE = new byte[0];

    public SyncMessage {
        Objects.requireNonNull(header, "header");
        payload = payload == null ? NONE : payload;
        if (length < 0 || length > payload.length) {
            throw new IllegalArgumentException("payload length " + length + " outside an array of " + payload.length);
        }
    }

    public SyncMessage(ObjectNode header, byte[] payload) {
        this(header, payload, payload == null ? 0 : payload.length);
    }

    public SyncMessage(ObjectNode header) {
        this(header, NONE, 0);
    }

    /** The header of a request of {@code type} that the standby sends in its cycle {@code cycle}. */
    static ObjectNode request(String type, String cycle) {
        ObjectNode h = SyncCodec.JSON.createObjectNode();
        h.put("type", type);
        h.put("cycle", cycle);
        return h;
    }

    public String type() {
        return header.path("type").asText("");
    }

    /** The payload as an array of exactly its length (a copy when the array is larger; tests and tools). */
    public byte[] bytes() {
        return length == payload.length ? payload : java.util.Arrays.copyOf(payload, length);
    }

    /** Hands a pooled payload array back; the message's payload must not be used afterwards. */
    public void release() {
        Payloads.give(payload);
    }

    @Override
    public String toString() {
        return type() + " " + header.toString().length() + " B header, " + length + " B payload";
    }
}
