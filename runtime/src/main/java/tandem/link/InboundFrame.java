package tandem.link;

/**
 * One length-delimited frame as cut by {@link FrameDecoder}, not yet checked.
 *
 * @param bytes  version, envelope and HMAC (the length prefix removed)
 * @param remote the sending socket's address, for the log
 */
record InboundFrame(byte[] bytes, String remote) {
}
