package tandem.actions;

/**
 * The node's virtual IPv4 address (MS-6), held by whichever node is PRIM or ALONE. Whether to hold it
 * is the rules' decision; this only takes and gives it back. Implementations: {@link LinuxVip}
 * ({@code ip addr} and {@code arping}) and {@link WindowsVip} ({@code netsh}).
 */
public interface VirtualIp {

    /**
     * Adds the address to the configured interface and announces it, after making sure no other host
     * answers on it (two hosts with one address is the split brain clients would see). Taking an
     * address this node already holds only announces it again.
     *
     * @throws ActionException another host answers on the address (the message names the address,
     *                         the interface and who answered; when that host is the peer, the
     *                         exception's finding is {@link tandem.facts.ActionResult#VIP_HELD_BY_PEER}),
     *                         or the address could not be added
     */
    void acquire() throws ActionException;

    /**
     * Takes the address although the peer still answers for it (the rules decided so: the peer is
     * silent, e.g. frozen, while its host still answers ARP): adds it without the duplicate address
     * probe and announces it, so neighbours move it to this node.
     *
     * @throws ActionException the address could not be added
     */
    void takeOver() throws ActionException;

    /**
     * Removes the address from the interface. Releasing an address this node does not hold is not an
     * error.
     *
     * @throws ActionException the address is there and could not be removed
     */
    void release() throws ActionException;

    /** Whether the address is on this node's interface now; false when that cannot be found out. */
    boolean held();
}
