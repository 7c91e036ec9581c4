/**
 * The peer link: authenticated heartbeats, HELLOs and forwarded commands between the two nodes over
 * camel-netty TCP (DESIGN.md, "The peer link"; MS-9 settings fingerprint, MS-11 port in use, MS-12
 * clock skew).
 *
 * <p>{@link tandem.link.PeerLink} is the entry point; {@link tandem.link.Protocol} describes the frame
 * format; {@link tandem.link.DropReason} lists why a received frame is dropped; {@link tandem.link.Fingerprint}
 * says which settings must match on both nodes. The link observes and reports; it never decides.
 */
package tandem.link;
