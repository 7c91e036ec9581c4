package tandem.link;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AsyncProducer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.config.Durations;

/**
 * One link's sending side: its camel-netty producer, fed from the send thread all links share, and
 * the back-off from a peer that does not answer ({@link Link#failedSends}). A send never waits and
 * never throws: a failure is counted in the link's {@link LinkStats#sendFailures()}.
 */
final class Sender {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
    /** Frames waiting for the send thread at most: beyond them a frame is dropped as a send failure. */
    private static final int SEND_QUEUE = 256;

    final Link link;
    final Endpoint endpoint;
    final AsyncProducer producer;

    private final Executor sending;
    private final long heartbeatMillis;
    private final long maxBackOffMillis;

    /**
     * @param sending          the send thread ({@link #sendThread}), which all links share
     * @param maxBackOffMillis the longest wait between two dials that failed: the dial patience
     */
    Sender(Link link, Endpoint endpoint, AsyncProducer producer, Executor sending, long heartbeatMillis,
            long maxBackOffMillis) {
        this.link = link;
        this.endpoint = endpoint;
        this.producer = producer;
        this.sending = sending;
        this.heartbeatMillis = heartbeatMillis;
        this.maxBackOffMillis = maxBackOffMillis;
    }

    /**
     * The one thread the links' frames are sent from, so that the caller never waits, even for a slow
     * DNS lookup of peer.address; a full queue (peer unreachable for long) drops the frame as a send
     * failure.
     */
    static ThreadPoolExecutor sendThread(String name) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(SEND_QUEUE),
                new DefaultThreadFactory(name, true), (task, executor) -> ((SendTask) task).rejected());
    }

    void send(Outgoing o) {
        if (!link.connected.get() && Link.tick() < link.nextDialTick) {
            // backing off from a peer that does not answer (Link.failedSends)
            link.counters.sendFailures.increment();
            return;
        }
        // a full queue, or one shut down by close(), goes to SendTask.rejected()
        sending.execute(new SendTask(this, o));
    }

    void sendNow(Outgoing o) {
        Exchange ex = endpoint.createExchange();
        ex.getIn().setBody(o);
        try {
            producer.process(ex, doneSync -> done(ex.getException()));
        } catch (RuntimeException e) {
            done(e);
        }
    }

    private void done(Throwable failure) {
        if (failure == null) {
            link.failedSends = 0;
            link.nextDialTick = 0;
            if (link.sendFailing.compareAndSet(true, false)) {
                LOG.info("peer link {}: sending to {} again", link, Link.hostPort(link.remote));
            }
            return;
        }
        link.counters.sendFailures.increment();
        if (rootCause(failure) instanceof ClosedChannelException
                && link.abandonedAt > 0 && Link.tick() - link.abandonedAt <= 2 * heartbeatMillis) {
            // the dial this node gave up itself (watch): no back-off, the next frame dials afresh
            LOG.debug("peer link {}: the dial given up ended: {}", link, rootMessage(failure));
            return;
        }
        int n = Math.min(link.failedSends + 1, 10);
        link.failedSends = n;
        // at most the dial patience: a peer that answers again is dialled within that, whatever the failures before
        link.nextDialTick = Link.tick() + Math.min((1L << (n - 1)) * heartbeatMillis, maxBackOffMillis);
        if (link.sendFailing.compareAndSet(false, true)) {
            LOG.warn("peer link {}: cannot send to {}: {}; retrying, at most every {}", link, Link.hostPort(link.remote),
                    rootMessage(failure), Durations.format(Duration.ofMillis(maxBackOffMillis)));
        } else {
            LOG.debug("peer link {}: cannot send to {}: {}", link, Link.hostPort(link.remote), rootMessage(failure));
        }
    }

    /** One frame waiting for the send thread. */
    private record SendTask(Sender sender, Outgoing frame) implements Runnable {
        @Override
        public void run() {
            sender.sendNow(frame);
        }

        void rejected() {
            sender.link.counters.sendFailures.increment();
            LOG.debug("peer link {}: send queue full, {} dropped", sender.link, frame.type());
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = rootCause(t);
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
