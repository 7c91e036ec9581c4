package tandem.link;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A frame to send, as handed to the camel-netty producer; {@link FrameEncoder} adds the sequence
 * number and timestamp on the connection's own thread, so they are in wire order.
 *
 * @param madeAt when the frame was made ({@link Link#tick()}, the monotonic clock): a heartbeat that
 *               waited too long for its connection is not sent, and the receiver is told how long
 *               one that is sent waited
 */
record Outgoing(FrameType type, ObjectNode body, long madeAt) {
}
