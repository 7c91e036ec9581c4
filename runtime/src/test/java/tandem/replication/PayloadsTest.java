package tandem.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class PayloadsTest {
    @Test
    void fileDataArraysAreReusedAndAMessageReleasedTwiceHandsItsArrayOutOnce() {
        while (Payloads.idle() > 0) {
            Payloads.take(SyncCodec.MAX_PAYLOAD); // start from an empty pool
        }
        byte[] a = Payloads.take(100_000);
        assertThat(a).hasSize(SyncCodec.MAX_PAYLOAD);
        ObjectNode h = SyncCodec.JSON.createObjectNode();
        SyncMessage m = new SyncMessage(h, a, 100_000);
        m.release();
        m.release();

        assertThat(Payloads.idle()).isEqualTo(1);
        assertThat(Payloads.take(SyncCodec.MAX_PAYLOAD)).isSameAs(a);
        assertThat(Payloads.take(SyncCodec.MAX_PAYLOAD)).isNotSameAs(a);
    }

    @Test
    void smallPayloadsGetExactArraysAndAreNotPooled() {
        int before = Payloads.idle();
        byte[] small = Payloads.take(100);
        assertThat(small).hasSize(100);
        new SyncMessage(SyncCodec.JSON.createObjectNode(), small).release();
        assertThat(Payloads.idle()).isEqualTo(before);
        assertThat(Payloads.take(0)).isEmpty();
    }

    @Test
    void aMessageCarriesOnlyItsLengthOfALargerArray() throws Exception {
        SyncCodec codec = new SyncCodec("secret");
        byte[] array = new byte[64];
        for (int i = 0; i < array.length; i++) {
            array[i] = (byte) i;
        }
        ObjectNode h = SyncCodec.JSON.createObjectNode();
        h.put("type", "reply");
        byte[] frame = codec.encode(new SyncMessage(h, array, 10));

        SyncMessage back = codec.decode(java.util.Arrays.copyOfRange(frame, 4, frame.length));

        assertThat(back.length()).isEqualTo(10);
        assertThat(back.bytes()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(back.header().path("plen").asInt()).isEqualTo(10);
    }
}
