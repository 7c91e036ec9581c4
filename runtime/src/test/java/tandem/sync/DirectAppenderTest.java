package tandem.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectAppenderTest {
    @TempDir
    Path dir;

    private FileChannel direct(Path f) throws IOException {
        try {
            return FileChannel.open(f, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
            return Assumptions.abort("no direct I/O on " + dir + ": " + e);
        }
    }

    @Test
    void piecesOfAnySizeEndUpInOrderWithTheTailThroughTheOrdinaryDescriptor() throws IOException {
        Path f = Files.createFile(dir.resolve("f"));
        byte[] data = HashingTest.random(2 * DirectAppender.BUFFER + 5000, 3);
        try (FileChannel out = FileChannel.open(f, StandardOpenOption.WRITE)) {
            DirectAppender a = DirectAppender.of(out, direct(f), "f");
            int off = 0;
            for (int n : new int[] {1, 4095, 200_000, 100_000, 3}) {
                a.append(data, off, n);
                off += n;
            }
            a.append(data, off, data.length - off);
            a.finish();
            assertThat(out.position()).as("the ordinary descriptor is left after the last byte").isEqualTo(data.length);
        }
        assertThat(f).hasBinaryContent(data);
    }

    @Test
    void aDirectWriteThatFailsHandsEverythingToTheOrdinaryDescriptor() throws IOException {
        Path f = Files.createFile(dir.resolve("f"));
        byte[] data = HashingTest.random(3 * DirectAppender.BUFFER + 777, 4);
        FileChannel direct = direct(f);
        try (FileChannel out = FileChannel.open(f, StandardOpenOption.WRITE)) {
            DirectAppender a = DirectAppender.of(out, direct, "f");
            a.append(data, 0, DirectAppender.BUFFER + 10); // one buffer written directly
            direct.close(); // the next direct write fails
            a.append(data, DirectAppender.BUFFER + 10, DirectAppender.BUFFER * 2);
            assertThat(a.canAppendFrom()).as("fallen back").isFalse();
            a.append(data, 3 * DirectAppender.BUFFER + 10, data.length - 3 * DirectAppender.BUFFER - 10);
            a.finish();
        }
        assertThat(f).hasBinaryContent(data);
    }

    @Test
    void aFailingFinalDirectWriteStillWritesTheRest() throws IOException {
        Path f = Files.createFile(dir.resolve("f"));
        byte[] data = HashingTest.random(100_000, 5);
        FileChannel direct = direct(f);
        try (FileChannel out = FileChannel.open(f, StandardOpenOption.WRITE)) {
            DirectAppender a = DirectAppender.of(out, direct, "f");
            a.append(data, 0, data.length);
            direct.close();
            a.finish();
        }
        assertThat(f).hasBinaryContent(data);
    }
}
