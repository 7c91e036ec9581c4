package tandem.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;

class FrameCodecTest {
    private final FrameCodec codec = new FrameCodec(Nodes.SECRET);

    private static Envelope envelope() {
        return new Envelope(FrameType.HEARTBEAT, "node1", "main", "abc", 7, 1_700_000_000_000L, Bodies.heartbeat(
                new Heartbeat("node1", NodeState.SECOND, DataState.NOT_UPTODATE, 12, true, 5, 1_700_000_000_000L)));
    }

    private static byte[] afterPrefix(byte[] frame) {
        return Arrays.copyOfRange(frame, 4, frame.length);
    }

    @Test
    void aFrameIsLengthVersionJsonAndHmac() throws Exception {
        byte[] frame = codec.encode(envelope());
        ByteBuffer b = ByteBuffer.wrap(frame);
        assertThat(b.getInt()).isEqualTo(frame.length - 4);
        assertThat(b.get()).isEqualTo((byte) Protocol.VERSION);
        String json = new String(frame, 5, frame.length - 5 - Protocol.HMAC_LENGTH, StandardCharsets.UTF_8);
        assertThat(json).startsWith("{\"type\":\"HEARTBEAT\",\"from\":\"node1\",\"link\":\"main\",\"session\":\"abc\","
                + "\"seq\":7,\"ts\":1700000000000,\"body\":{\"nodeId\":\"node1\",\"state\":\"SECOND\",\"data\":\"NOT_UPTODATE\"");
        Envelope back = codec.decode(afterPrefix(frame));
        // the body compares as JSON text: Jackson reads 12 back as an int node where a long node was written
        assertThat(back).usingRecursiveComparison().ignoringFields("body").isEqualTo(envelope());
        assertThat(back.body().toString()).isEqualTo(envelope().body().toString());
        assertThat(Bodies.heartbeat(codec.decode(afterPrefix(frame)).body()))
                .isEqualTo(new Heartbeat("node1", NodeState.SECOND, DataState.NOT_UPTODATE, 12, true, 5, 1_700_000_000_000L));
    }

    @Test
    void anyChangedByteBreaksTheHmac() {
        byte[] frame = afterPrefix(codec.encode(envelope()));
        for (int i = 1; i < frame.length; i += 7) {
            byte[] bent = frame.clone();
            bent[i] ^= 0x01;
            assertThatThrownBy(() -> codec.decode(bent)).isInstanceOf(Dropped.class)
                    .satisfies(e -> assertThat(((Dropped) e).reason()).isEqualTo(DropReason.BAD_HMAC));
        }
    }

    @Test
    void theVersionIsCheckedBeforeTheHmac() {
        byte[] frame = afterPrefix(codec.encode(envelope()));
        frame[0] = 9;
        assertThatThrownBy(() -> codec.decode(frame)).isInstanceOf(Dropped.class)
                .hasMessage("protocol version 9, expected 1");
    }

    @Test
    void anotherSecretDoesNotVerify() {
        byte[] frame = afterPrefix(new FrameCodec("some-other-secret-123").encode(envelope()));
        assertThatThrownBy(() -> codec.decode(frame)).isInstanceOf(Dropped.class)
                .satisfies(e -> assertThat(((Dropped) e).reason()).isEqualTo(DropReason.BAD_HMAC));
    }

    @Test
    void signedEnvelopesStillNeedEveryField() {
        String[] bad = {
            "[1,2]",
            "{\"type\":\"PING\",\"from\":\"node1\",\"link\":\"main\",\"session\":\"s\",\"seq\":1,\"ts\":1,\"body\":{}}",
            "{\"type\":\"HELLO\",\"from\":\"\",\"link\":\"main\",\"session\":\"s\",\"seq\":1,\"ts\":1,\"body\":{}}",
            "{\"type\":\"HELLO\",\"from\":\"node1\",\"link\":\"main\",\"session\":\"s\",\"seq\":0,\"ts\":1,\"body\":{}}",
            "{\"type\":\"HELLO\",\"from\":\"node1\",\"link\":\"main\",\"session\":\"s\",\"seq\":1,\"ts\":\"1\",\"body\":{}}",
            "{\"type\":\"HELLO\",\"from\":\"node1\",\"link\":\"main\",\"session\":\"s\",\"seq\":1,\"ts\":1,\"body\":[]}",
            "{\"type\":\"HELLO\",\"type\":\"HELLO\",\"from\":\"node1\",\"link\":\"main\",\"session\":\"s\",\"seq\":1,\"ts\":1,\"body\":{}}",
            "{\"type\":\"HELLO\",\"from\":\"node1\",\"link\":\"main\",\"session\":\"s\",\"seq\":1,\"ts\":1,\"body\":{}} trailing",
        };
        for (String json : bad) {
            byte[] frame = afterPrefix(codec.frame(1, json.getBytes(StandardCharsets.UTF_8)));
            assertThatThrownBy(() -> codec.decode(frame)).as(json).isInstanceOf(Dropped.class)
                    .satisfies(e -> assertThat(((Dropped) e).reason()).isEqualTo(DropReason.MALFORMED));
        }
    }

    private static Envelope command(Bodies.Command c) {
        return new Envelope(FrameType.COMMAND, "node2", "main", "abc", 8, 1_700_000_000_000L, Bodies.command(c));
    }

    @Test
    void aCommandsArgumentsGoAndComeBackInTheirOrder() throws Exception {
        java.util.Map<String, String> args = new java.util.LinkedHashMap<>();
        args.put("file", "/var/backup/full.tar");
        args.put("confirm", "true");
        args.put("a-note", "x,y=z");

        Bodies.Command back = Bodies.command(codec.decode(afterPrefix(codec.encode(
                command(new Bodies.Command("standby-import", "node2", 3, args))))).body());

        assertThat(back).isEqualTo(new Bodies.Command("standby-import", "node2", 3, args));
        assertThat(back.args()).containsExactly(java.util.Map.entry("file", "/var/backup/full.tar"),
                java.util.Map.entry("confirm", "true"), java.util.Map.entry("a-note", "x,y=z"));
    }

    @Test
    void aCommandWithoutArgumentsIsWrittenAsBeforeAndAnOlderFrameReadsWithNone() throws Exception {
        ObjectNode body = Bodies.command(new Bodies.Command("swap", "node2", 4));
        assertThat(body.toString()).isEqualTo("{\"name\":\"swap\",\"origin\":\"node2\",\"id\":4}");

        ObjectNode older = (ObjectNode) FrameCodec.JSON.readTree("{\"name\":\"swap\",\"origin\":\"node2\",\"id\":4}");
        Bodies.Command back = Bodies.command(codec.decode(afterPrefix(codec.encode(
                new Envelope(FrameType.COMMAND, "node2", "main", "abc", 9, 1_700_000_000_000L, older)))).body());

        assertThat(back).isEqualTo(new Bodies.Command("swap", "node2", 4, java.util.Map.of()));
        assertThat(back.args()).isEmpty();
    }

    @Test
    void aCommandsArgumentsOfAnotherShapeAreMalformed() throws Exception {
        ObjectNode notAnObject = Bodies.command(new Bodies.Command("swap", "node2", 4));
        notAnObject.putArray("args").add("confirm");
        ObjectNode notAString = Bodies.command(new Bodies.Command("swap", "node2", 4));
        notAString.putObject("args").put("confirm", true);
        ObjectNode badName = Bodies.command(new Bodies.Command("swap", "node2", 4));
        badName.putObject("args").put("Confirm", "true");

        assertThatThrownBy(() -> Bodies.command(notAnObject)).isInstanceOf(Dropped.class)
                .hasMessage("COMMAND \"args\" is not an object");
        assertThatThrownBy(() -> Bodies.command(notAString)).isInstanceOf(Dropped.class)
                .hasMessage("COMMAND argument \"confirm\" is not a string");
        assertThatThrownBy(() -> Bodies.command(badName)).isInstanceOf(Dropped.class)
                .hasMessageStartingWith("COMMAND argument \"Confirm\": a name is lower-case letters");
    }

    @Test
    void bodiesRefuseUnknownStates() {
        ObjectNode body = Bodies.heartbeat(new Heartbeat("node1", NodeState.PRIM, DataState.UPTODATE, 1, false, 0, 1));
        body.put("state", "MASTER");
        assertThatThrownBy(() -> Bodies.heartbeat(body)).isInstanceOf(Dropped.class)
                .hasMessage("unknown NodeState \"MASTER\"");
    }
}
