package tandem.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PathFilterTest {

    private static PathFilter filter(List<String> include, List<String> exclude) {
        return PathFilter.of(include, exclude);
    }

    @Test
    void theDefaultIncludesEverythingAtAnyDepth() {
        PathFilter f = filter(List.of("**"), List.of());

        assertThat(f.includesFile("a")).isTrue();
        assertThat(f.includesFile("a/b/c.txt")).isTrue();
        assertThat(f.includesDir("a/b")).isTrue();
        assertThat(f.mayDescend("")).isTrue();
        assertThat(f.mayDescend("x/y")).isTrue();
    }

    @Test
    void aPatternWithoutSlashMatchesTheNameAtAnyDepth() {
        PathFilter f = filter(List.of("**"), List.of("*.tmp"));

        assertThat(f.includesFile("x.tmp")).isFalse();
        assertThat(f.includesFile("a/b/x.tmp")).isFalse();
        assertThat(f.includesFile("a/x.tmp.txt")).isTrue();
        assertThat(f.includesFile("a/tmp")).isTrue();
    }

    @Test
    void anExcludedDirectoryIsNotDescendedIntoWhetherWrittenAsDirOrDirSlashStarStar() {
        PathFilter anchored = filter(List.of("**"), List.of("cache/**"));
        assertThat(anchored.mayDescend("cache")).isFalse();
        assertThat(anchored.mayDescend("cache/sub")).isFalse();
        assertThat(anchored.includesFile("cache/x")).isFalse();
        assertThat(anchored.includesDir("cache")).isFalse();
        assertThat(anchored.includesFile("a/cache/x")).as("anchored at the root").isTrue();
        assertThat(anchored.mayDescend("cachex")).isTrue();

        PathFilter byName = filter(List.of("**"), List.of("cache"));
        assertThat(byName.mayDescend("cache")).isFalse();
        assertThat(byName.mayDescend("a/cache")).isFalse();
        assertThat(byName.includesFile("a/cache/deep/file")).isFalse();
        assertThat(byName.includesFile("cachex")).isTrue();

        PathFilter trailingSlash = filter(List.of("**"), List.of("cache/"));
        assertThat(trailingSlash.mayDescend("a/cache")).isFalse();
    }

    @Test
    void doubleStarAtTheStartInTheMiddleAndAtTheEnd() {
        PathFilter start = filter(List.of("**/*.log"), List.of());
        assertThat(start.includesFile("a.log")).isTrue();
        assertThat(start.includesFile("x/y/a.log")).isTrue();
        assertThat(start.includesFile("x/y/a.txt")).isFalse();

        PathFilter middle = filter(List.of("a/**/z.txt"), List.of());
        assertThat(middle.includesFile("a/z.txt")).as("** matches zero segments").isTrue();
        assertThat(middle.includesFile("a/b/c/z.txt")).isTrue();
        assertThat(middle.includesFile("b/z.txt")).isFalse();
        assertThat(middle.mayDescend("a/b")).isTrue();
        assertThat(middle.mayDescend("b")).isFalse();

        PathFilter end = filter(List.of("logs/**"), List.of());
        assertThat(end.includesFile("logs/a")).isTrue();
        assertThat(end.includesFile("logs/x/y")).isTrue();
        assertThat(end.includesDir("logs")).isTrue();
        assertThat(end.includesFile("other/logs/a")).isFalse();
        assertThat(end.mayDescend("other")).isFalse();
    }

    @Test
    void aNameOnlyIncludeReachesFilesButDoesNotReplicateEveryDirectory() {
        PathFilter f = filter(List.of("*.txt"), List.of());

        assertThat(f.includesFile("a/b.txt")).isTrue();
        assertThat(f.includesFile("a/b.bin")).isFalse();
        assertThat(f.mayDescend("a")).isTrue();
        assertThat(f.includesDir("a")).isFalse();
    }

    @Test
    void anIncludedDirectoryCoversWhatItHolds() {
        PathFilter f = filter(List.of("docs"), List.of());

        assertThat(f.includesDir("docs")).isTrue();
        assertThat(f.includesFile("docs/a/b.txt")).isTrue();
        assertThat(f.includesFile("x/docs/c")).isTrue();
        assertThat(f.includesFile("readme")).isFalse();
    }

    @Test
    void alternativesQuestionMarksAndCharacterSets() {
        PathFilter f = filter(List.of("*.{jpg,png}", "data/file?.csv", "{a,b{c,d}}.txt", "[xy]*.bin", "[!xy]*.dat"),
                List.of());

        assertThat(f.includesFile("photos/b.png")).isTrue();
        assertThat(f.includesFile("a.jpg")).isTrue();
        assertThat(f.includesFile("c.gif")).isFalse();
        assertThat(f.includesFile("data/file1.csv")).isTrue();
        assertThat(f.includesFile("data/file10.csv")).isFalse();
        assertThat(f.includesFile("a.txt")).isTrue();
        assertThat(f.includesFile("bd.txt")).isTrue();
        assertThat(f.includesFile("b.txt")).isFalse();
        assertThat(f.includesFile("x1.bin")).isTrue();
        assertThat(f.includesFile("z1.bin")).isFalse();
        assertThat(f.includesFile("z1.dat")).isTrue();
        assertThat(f.includesFile("x1.dat")).isFalse();
    }

    @Test
    void prefixAndSuffixPatternsDoNotOverlap() {
        PathFilter f = filter(List.of("backup-*.tar", "ab*ba", "core*"), List.of());

        assertThat(f.includesFile("x/backup-2024.tar")).isTrue();
        assertThat(f.includesFile("backup-.tar")).isTrue();
        assertThat(f.includesFile("backup.tar")).isFalse();
        assertThat(f.includesFile("abba")).isTrue();
        assertThat(f.includesFile("aba")).isFalse();
        assertThat(f.includesFile("core.1234")).isTrue();
        assertThat(f.includesFile("score")).isFalse();
    }

    @Test
    void starStaysWithinOneSegmentButMatchesDotFiles() {
        PathFilter f = filter(List.of("conf/*"), List.of());

        assertThat(f.includesFile("conf/.env")).isTrue();
        assertThat(f.includesFile("conf/a.yaml")).isTrue();
        assertThat(f.includesFile("conf/sub/a.yaml")).as("conf/sub matches conf/*, so it is covered").isTrue();
        assertThat(filter(List.of("conf/*.yaml"), List.of()).includesFile("conf/sub/a.yaml")).isFalse();
    }

    @Test
    void excludeWinsOverInclude() {
        PathFilter f = filter(List.of("docs/**"), List.of("docs/private/**", "*.bak"));

        assertThat(f.includesFile("docs/a")).isTrue();
        assertThat(f.includesFile("docs/private/x")).isFalse();
        assertThat(f.includesFile("docs/a.bak")).isFalse();
        assertThat(f.mayDescend("docs")).isTrue();
        assertThat(f.mayDescend("docs/private")).isFalse();
        assertThat(f.excludes("docs/private/x/y")).isTrue();
    }

    @Test
    void aLeadingSlashAnchorsAtTheRoot() {
        PathFilter f = filter(List.of("**"), List.of("/build"));

        assertThat(f.includesFile("build/x")).isFalse();
        assertThat(f.includesFile("a/build/x")).isTrue();
    }

    @Test
    void malformedPatternsAreRefusedNamingThem() {
        assertThatThrownBy(() -> filter(List.of(""), List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty glob pattern");
        assertThatThrownBy(() -> filter(List.of("**"), List.of("{a,b"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'{a,b'");
        assertThatThrownBy(() -> filter(List.of("[ab"), List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'[ab'");
        assertThatThrownBy(() -> filter(List.of("a}"), List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nothingIncludedMeansNothingToDescendInto() {
        PathFilter f = filter(List.of(), List.of());

        assertThat(f.includesFile("a")).isFalse();
        assertThat(f.mayDescend("")).isFalse();
    }
}
