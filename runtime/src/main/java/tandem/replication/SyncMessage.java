package tandem.replication;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One message of the sync channel: a JSON header (signed) and raw payload bytes (file data; empty for
 * control messages). Requests go from the standby to the active node, which answers each with one
 * reply; see {@link SyncCodec} for the frame.
 */
public record SyncMessage(ObjectNode header, byte[] payload) {
    static final byte[] NONE = new byte[0];

    public SyncMessage {
        Objects.requireNonNull(header, "header");
        payload = payload == null ? NONE : payload;
    }

    public SyncMessage(ObjectNode header) {
        this(header, NONE);
    }

    public String type() {
        return header.path("type").asText("");
    }

    @Override
    public String toString() {
        return type() + " " + header.toString().length() + " B header, " + payload.length + " B payload";
    }
}
