package tandem.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SyncCodecTest {
    private final SyncCodec codec = new SyncCodec("a-secret");

    private SyncMessage roundTrip(SyncMessage m) throws Exception {
        byte[] frame = codec.encode(m);
        return codec.decode(Arrays.copyOfRange(frame, 4, frame.length));
    }

    @Test
    void fieldNamesFromThePeerAreNotInterned() throws Exception {
        // a reply's hashes are keyed by file paths: thousands of names, each seen once
        String path = "dir/" + UUID.randomUUID() + ".dat";
        ObjectNode h = SyncCodec.JSON.createObjectNode();
        h.put("type", "reply");
        h.putObject("hashes").put(path, "00ff");
        SyncMessage back = roundTrip(new SyncMessage(h));
        Iterator<String> names = back.header().path("hashes").fieldNames();
        String parsed = names.next();
        assertThat(parsed).isEqualTo(path);
        assertThat(back.header().path("hashes").path(path).asText()).isEqualTo("00ff");
        // had the parser interned the name, the pool would hand back that very instance
        String pooled = new String(path.toCharArray()).intern();
        assertThat(pooled).isNotSameAs(parsed);
    }

    @Test
    void aDuplicateFieldIsStillABadFrame() {
        byte[] header = "{\"type\":\"read\",\"type\":\"done\",\"plen\":0}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode(SyncCodec.VERSION, header, codec.mac(SyncCodec.VERSION, header),
                new byte[0], 0))
                .isInstanceOf(SyncCodec.BadFrameException.class)
                .hasMessageContaining("not valid JSON")
                .hasMessageContaining("Duplicate field 'type'");
    }
}
