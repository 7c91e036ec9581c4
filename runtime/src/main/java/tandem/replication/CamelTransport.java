package tandem.replication;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;

/**
 * Sends the standby's requests to the active node's sync channel (camel-netty, request-reply)
 * and checks that each reply answers its request: the connection's session and the request's
 * sequence number, both stamped by the signing encoder and covered by the reply's HMAC.
 */
public final class CamelTransport implements SyncTransport {
    private final ProducerTemplate template;
    private final String endpoint;
    private final String peer;

    /**
     * @param endpoint the camel-netty producer URI of the peer's sync channel
     * @param peer     where the requests go, for messages ("node2 at 10.0.0.2:7403")
     */
    public CamelTransport(ProducerTemplate template, String endpoint, String peer) {
        this.template = Objects.requireNonNull(template, "template");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.peer = Objects.requireNonNull(peer, "peer");
    }

    /** The producer URI for the peer's sync channel, with the client pipeline bound as {@code client}. */
    public static String endpoint(String host, int port, String client) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "netty:tcp://" + h + ":" + port + "?sync=true&allowDefaultCodec=false&clientInitializerFactory=#" + client
                + "&requestTimeout=120000&connectTimeout=3000&producerPoolMaxTotal=4&workerCount=1";
    }

    @Override
    public SyncMessage request(SyncMessage request) throws SyncException {
        Object out;
        try {
            out = template.requestBody(endpoint, request);
        } catch (CamelExecutionException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new SyncException("cannot reach the sync channel of " + peer + ": "
                    + (root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName()), e);
        }
        if (!(out instanceof SyncMessage reply)) {
            throw new SyncException("no reply from the sync channel of " + peer + " (the connection closed)");
        }
        return check(request, reply, peer);
    }

    /** The checks every transport makes on a reply. */
    static SyncMessage check(SyncMessage request, SyncMessage reply, String peer) throws SyncException {
        ObjectNode h = reply.header();
        if (!"reply".equals(reply.type())
                || h.path("re").asLong(-1) != request.header().path("seq").asLong(-2)
                || !h.path("session").asText("").equals(request.header().path("session").asText("?"))) {
            throw new SyncException("the reply from " + peer + " does not answer request " + request.type()
                    + " (session or sequence differ); dropped");
        }
        if (!h.path("ok").asBoolean(false)) {
            throw new SyncException(peer + " refused " + request.type() + ": " + h.path("error").asText("no reason given"));
        }
        return reply;
    }
}
