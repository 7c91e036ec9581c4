package tandem.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.openhft.hashing.LongTupleHashFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HashingTest {
    private static final int B = Hashing.BLOCK;

    @TempDir
    Path dir;

    @Test
    void blockHashesAreXxh3128InTheCanonicalHighThenLowOrder() {
        // the XXH3-128 reference value of the empty input, as xxhsum -H2 prints it
        assertThat(Hashing.blockHash(new byte[0], 0, 0)).isEqualTo("99aa06d3014798d86001c324468d497f");
        assertThat(Hashing.blockHash(new byte[] {9, 'a', 9}, 1, 1)).isEqualTo(Hashing.blockHash(new byte[] {'a'}, 0, 1))
                .matches("[0-9a-f]{32}");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, B - 1, B, B + 1, 8 * B, 8 * B + 1, 3 * B + 5})
    void aFileDigestFollowsTheDocumentedDefinition(int size) throws IOException {
        byte[] data = random(size, size);
        Path file = Files.write(dir.resolve("f"), data);

        Hashing.FileDigest d = Hashing.digest(file);

        int blocks = (size + B - 1) / B;
        assertThat(d.size()).isEqualTo(size);
        assertThat(d.blocks()).hasSize(blocks);
        ByteBuffer concat = ByteBuffer.allocate(blocks * 16 + 8);
        for (int i = 0; i < blocks; i++) {
            int len = Math.min(B, size - i * B);
            String expected = Hashing.blockHash(data, i * B, len);
            assertThat(d.blocks().get(i)).isEqualTo(expected);
            concat.put(HexFormat.of().parseHex(expected));
        }
        concat.order(ByteOrder.LITTLE_ENDIAN).putLong(size);
        long[] r = LongTupleHashFunction.xx128().hashBytes(concat.array());
        assertThat(d.hash()).isEqualTo(String.format("%016x%016x", r[1], r[0]));
    }

    @Test
    void anEmptyFileIsTheHashOfItsEightSizeBytes() throws IOException {
        Path file = Files.createFile(dir.resolve("empty"));

        long[] r = LongTupleHashFunction.xx128().hashBytes(new byte[8]);
        assertThat(Hashing.digest(file).hash()).isEqualTo(String.format("%016x%016x", r[1], r[0]));
        assertThat(Hashing.digest(file).blocks()).isEmpty();
    }

    @Test
    void contentAndSizeBothChangeTheHash() throws IOException {
        byte[] data = random(B + 10, 1);
        String h1 = Hashing.digest(Files.write(dir.resolve("a"), data)).hash();
        data[B + 3] ^= 1;
        String h2 = Hashing.digest(Files.write(dir.resolve("b"), data)).hash();
        String h3 = Hashing.digest(Files.write(dir.resolve("c"), new byte[1])).hash();
        String h4 = Hashing.digest(Files.write(dir.resolve("d"), new byte[2])).hash();

        assertThat(List.of(h1, h2, h3, h4)).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 4096, B - 1, B, B + 3, 1 << 20})
    void theStreamingHasherEqualsDigestWhateverTheChunkSize(int chunk) throws IOException {
        byte[] data = random(5 * B + 77, 42);
        Hashing.FileDigest d = Hashing.digest(Files.write(dir.resolve("f"), data));

        Hashing.Hasher h = new Hashing.Hasher();
        for (int off = 0; off < data.length; off += chunk) {
            h.update(data, off, Math.min(chunk, data.length - off));
        }

        assertThat(h.size()).isEqualTo(data.length);
        assertThat(h.finish()).isEqualTo(d.hash());
        assertThat(h.blocks()).isEqualTo(d.blocks());
    }

    @Test
    void byteArraysAndBuffersMixInOneStream() throws IOException {
        byte[] data = random(3 * B + 1000, 7);
        Hashing.FileDigest d = Hashing.digest(Files.write(dir.resolve("f"), data));
        Random rnd = new Random(3);

        Hashing.Hasher h = new Hashing.Hasher();
        int off = 0;
        while (off < data.length) {
            int len = Math.min(data.length - off, 1 + rnd.nextInt(B / 2));
            switch (rnd.nextInt(3)) {
                case 0 -> h.update(data, off, len);
                case 1 -> h.update(ByteBuffer.wrap(data, off, len));
                default -> {
                    ByteBuffer direct = ByteBuffer.allocateDirect(len + 10);
                    direct.position(10);
                    direct.put(data, off, len).position(10);
                    h.update(direct);
                    assertThat(direct.hasRemaining()).isFalse();
                }
            }
            off += len;
        }

        assertThat(h.finish()).isEqualTo(d.hash());
    }

    @Test
    void aFinishedHasherReturnsTheSameHashAndTakesNoMoreBytes() {
        Hashing.Hasher h = new Hashing.Hasher();
        h.update(new byte[] {1, 2, 3}, 0, 3);
        String first = h.finish();

        assertThat(h.finish()).isEqualTo(first);
        assertThat(h.blocks()).containsExactly(Hashing.blockHash(new byte[] {1, 2, 3}, 0, 3));
        assertThatThrownBy(() -> h.update(new byte[1], 0, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void digestDoesNotFollowASymbolicLink() throws IOException {
        Path target = Files.writeString(dir.resolve("target"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);

        assertThatThrownBy(() -> Hashing.digest(link)).isInstanceOf(IOException.class);
    }

    @Test
    void aSignatureIsTheFilesBlockHashes() throws IOException {
        byte[] data = random(2 * B + 1, 5);
        Path file = Files.write(dir.resolve("f"), data);

        Signature s = Signature.of(file);

        assertThat(s.size()).isEqualTo(data.length);
        assertThat(s.blocks()).isEqualTo(Hashing.digest(file).blocks()).hasSize(3);
        assertThatThrownBy(() -> new Signature(10, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 1 blocks, not 0");
    }

    /** Where Debian installs libxxhash0 (CI installs it): there, hashing must be native. */
    private static boolean xxhashInstalled() {
        return Files.exists(Path.of("/lib/x86_64-linux-gnu/libxxhash.so.0"))
                || Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libxxhash.so.0"))
                || Files.exists(Path.of("/lib/aarch64-linux-gnu/libxxhash.so.0"))
                || Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/libxxhash.so.0"));
    }

    @Test
    void theSystemsXxHashIsUsedWhereInstalledAndComputesWhatTheJavaOneDoes() {
        assertThat(Hashing.nativeHashing()).as("libxxhash.so.0 installed").isEqualTo(xxhashInstalled());
        if (!Hashing.nativeHashing()) {
            return;
        }
        LongTupleHashFunction java = LongTupleHashFunction.xx128();
        int[] lengths = {0, 1, 16, 17, 128, 129, 240, 241, 1000, 4095, 4096, 4097, 65_536, Hashing.BLOCK - 1, Hashing.BLOCK};
        byte[] data = random(Hashing.BLOCK + 100, 77);
        long[] mine = new long[2];
        for (int len : lengths) {
            for (int off : new int[] {0, 3, 100}) {
                NativeXxh3.hash(data, off, len, mine);
                assertThat(mine).as("%d bytes from %d", len, off).containsExactly(java.hashBytes(data, off, len));
            }
        }
        assertThatThrownBy(() -> NativeXxh3.hash(data, 0, Hashing.BLOCK + 1, mine))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
