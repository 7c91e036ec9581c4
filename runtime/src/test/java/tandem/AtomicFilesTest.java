package tandem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private long entries(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    @Test
    void writesANewFileInAFolderItCreatesAndReplacesAnOldOne() throws IOException {
        Path f = dir.resolve("state/node.state");

        AtomicFiles.write(f, text("state=PRIM\n"));
        assertThat(f).hasContent("state=PRIM");

        AtomicFiles.write(f, text("state=SECOND\n"));
        assertThat(f).hasContent("state=SECOND");
        assertThat(entries(f.getParent())).as("no temporary file left").isEqualTo(1);
    }

    @Test
    void aFailedReplaceKeepsWhatWasThereAndLeavesNoTemporaryFile() throws IOException {
        Path f = dir.resolve("cache");
        Files.createDirectories(f.resolve("in-the-way"));

        assertThatThrownBy(() -> AtomicFiles.write(f, text("new")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot save " + f);

        assertThat(f.resolve("in-the-way")).isDirectory();
        assertThat(entries(dir)).as("only the directory that was in the way").isEqualTo(1);
    }
}
