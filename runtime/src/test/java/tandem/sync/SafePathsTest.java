package tandem.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SafePathsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                      | empty path",
        "/x                      | absolute path",
        "/                       | absolute path",
        "C:\\x                   | drive letter",
        "C:/x                    | drive letter",
        "c:x                     | drive letter",
        "\\\\host\\share\\x      | backslash",
        "a\\b                    | backslash",
        "..                      | '..' segment",
        "../x                    | '..' segment",
        "a/../b                  | '..' segment",
        "a/..                    | '..' segment",
        ".                       | '.' segment",
        "./a                     | '.' segment",
        "a/./b                   | '.' segment",
        "a//b                    | empty segment",
        "a/                      | empty segment",
        ".tandem-sync-1234.tmp   | temporary file",
        "a/.tandem-sync-x.tmp    | temporary file",
    })
    void refusesEveryUnsafeForm(String rel, String why) {
        assertThatThrownBy(() -> SafePaths.check(rel)).isInstanceOf(UnsafePathException.class).hasMessageContaining(why);
        assertThat(SafePaths.isSafe(rel)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "a\nb", "a\tb", "a\rb", "x/\u001b[31mred", "a\u007fb", "a\u0085b"})
    void refusesControlCharactersAndShowsThemEscaped(String rel) {
        assertThatThrownBy(() -> SafePaths.check(rel)).isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("control character")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\u0000"));
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> SafePaths.check(null)).isInstanceOf(UnsafePathException.class).hasMessage("empty path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "a/b/c.txt", "Grüße/日本語 file.txt", ".hidden", "a/..b", "a/b..", "...", "ab:c",
        "name with spaces", "a/.tandem-syncx"})
    void acceptsOrdinaryNamesUnchanged(String rel) throws Exception {
        assertThat(SafePaths.check(rel)).isEqualTo(rel);
    }

    @Test
    void resolvesMissingPathsUnderTheRoot() throws Exception {
        Path p = SafePaths.resolve(dir, "new/dir/file.txt");

        assertThat(p).isEqualTo(dir.resolve("new").resolve("dir").resolve("file.txt"));
        assertThat(p.startsWith(dir)).isTrue();
    }

    @Test
    void resolvesAndCreatesUnicodeNames() throws Exception {
        Unicode.assumeFileNames("Grüße/日本語 file.txt");
        Path p = SafePaths.resolve(dir, "Grüße/日本語 file.txt");
        Files.createDirectories(p.getParent());
        Files.writeString(p, "hallo");

        assertThat(SafePaths.resolve(dir, "Grüße/日本語 file.txt")).hasContent("hallo");
    }

    @Test
    void refusesASymlinkInAParentThatPointsOutside() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createSymbolicLink(root.resolve("link"), outside);

        assertThatThrownBy(() -> SafePaths.resolve(root, "link/x.txt")).isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("goes through the symbolic link link");
        assertThatThrownBy(() -> SafePaths.resolve(root, "link/sub/x.txt")).isInstanceOf(UnsafePathException.class);
    }

    @Test
    void refusesASymlinkAsTheLeafEvenWhenItsTargetIsMissingOrInside() throws Exception {
        Path outside = Files.writeString(dir.resolve("secret"), "s");
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("a"));
        Files.createSymbolicLink(root.resolve("a/leaf"), outside);
        Files.createSymbolicLink(root.resolve("dangling"), dir.resolve("nowhere"));
        Files.writeString(root.resolve("inside"), "i");
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("inside"));

        assertThatThrownBy(() -> SafePaths.resolve(root, "a/leaf")).isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("a/leaf in " + root + " is the symbolic link a/leaf");
        assertThatThrownBy(() -> SafePaths.resolve(root, "dangling")).isInstanceOf(UnsafePathException.class);
        assertThatThrownBy(() -> SafePaths.resolve(root, "alias")).isInstanceOf(UnsafePathException.class);
    }

    @Test
    void refusesARootThatIsASymlink() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real"));
        Path root = Files.createSymbolicLink(dir.resolve("root"), real);

        assertThatThrownBy(() -> SafePaths.resolve(root, "x")).isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("folder " + root + " is a symbolic link");
    }

    @Test
    void checksThePathBeforeLookingAtTheDisk() {
        assertThatThrownBy(() -> SafePaths.resolve(dir, "../escape")).isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("'..' segment in '../escape'");
    }

    @Test
    void readsNeverGoThroughALinkAndRememberTheFoldersFoundReal() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "secret");
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(root.resolve("a/b/f"), "data");
        Files.createSymbolicLink(root.resolve("a/link"), outside);
        Files.createSymbolicLink(root.resolve("a/b/leaf"), outside.resolve("secret"));
        java.util.Set<Path> known = new java.util.HashSet<>();

        Path f = SafePaths.resolveForRead(root, "a/b/f", known);
        try (var ch = SafePaths.openForRead(f, "a/b/f")) {
            assertThat(ch.size()).isEqualTo(4);
        }
        assertThat(known).containsExactlyInAnyOrder(root, root.resolve("a"), root.resolve("a/b"));
        assertThat(SafePaths.openForRead(SafePaths.resolveForRead(root, "a/b/gone", known), "a/b/gone")).isNull();

        assertThatThrownBy(() -> SafePaths.resolveForRead(root, "a/link/secret", known))
                .isInstanceOf(UnsafePathException.class).hasMessageContaining("symbolic link a/link");
        Path leaf = SafePaths.resolveForRead(root, "a/b/leaf", known);
        assertThatThrownBy(() -> SafePaths.openForRead(leaf, "a/b/leaf"))
                .isInstanceOf(UnsafePathException.class).hasMessageContaining("a/b/leaf is the symbolic link");
        assertThatThrownBy(() -> SafePaths.resolveForRead(root, "a/../x", known)).isInstanceOf(UnsafePathException.class);
    }
}
