package tandem.link;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A frame to send, as handed to the camel-netty producer; {@link FrameEncoder} adds the sequence
 * number and timestamp on the connection's own thread, so they are in wire order.
 *
 * @param madeAt when the frame was made (the link's clock, epoch milliseconds):
 *               a heartbeat that waited too long for its connection is not sent
 */
record Outgoing(FrameType type, ObjectNode body, long madeAt) {
}
