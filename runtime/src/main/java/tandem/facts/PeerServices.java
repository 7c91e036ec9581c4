package tandem.facts;

import java.util.List;

/**
 * The managed services the active peer last reported running (SBS-2: a takeover starts the same), as
 * the replication learned them from the peer; replaced when the peer reports a different list and kept
 * across a restart. Absent when the peer never said: the rules then start every service.
 *
 * @param names the services, in the peer's order
 */
public record PeerServices(List<String> names) {
    public PeerServices {
        names = List.copyOf(names);
    }
}
