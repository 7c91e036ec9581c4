package tandem.link;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * The JSON part of a frame.
 *
 * @param type    what the body is
 * @param from    the sender's {@code node.id}
 * @param link    the link the sender wrote it to ({@code main} or {@code second})
 * @param session random per sender process start; sequence numbers count within it
 * @param seq     1, 2, 3... per session and link
 * @param ts      the sender's clock when it wrote the frame, epoch milliseconds
 * @param body    depends on {@code type}
 */
record Envelope(FrameType type, String from, String link, String session, long seq, long ts, ObjectNode body) {
    Envelope {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(body, "body");
    }
}
