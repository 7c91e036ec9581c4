package tandem.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiffTest {
    private static final long MIB = 1024 * 1024;
    private static final String H1 = "11111111111111111111111111111111";
    private static final String H2 = "22222222222222222222222222222222";

    private static SyncFolder folder(boolean strict, boolean keepTimestamps) {
        return new SyncFolder("/data", Path.of("/standby/data"), List.of("**"), List.of(), strict, keepTimestamps);
    }

    private static Entry file(String path, long size, long mtime, String hash) {
        return Entry.file(path, size, mtime, hash);
    }

    private static Entry dir(String path) {
        return Entry.dir(path, 5);
    }

    @Test
    void identicalManifestsNeedNothing() {
        List<Entry> m = List.of(dir("a"), file("a/x", 3, 1, H1), file("b", 0, 2, H2));

        Diff.Plan p = Diff.plan(folder(true, true), m, m);

        assertThat(p.nothingToDo()).isTrue();
    }

    @Test
    void missingFilesAreSentWholeAndMissingDirectoriesCreatedParentsFirst() {
        List<Entry> source = List.of(dir("d"), dir("d/e"), dir("d/e/f"), file("d/e/f/new.txt", 10, 1, H1),
                file("top", 5, 1, H2), dir("d-x"));

        Diff.Plan p = Diff.plan(folder(false, false), source, List.of(dir("d")));

        assertThat(p.mkdirs()).extracting(Entry::path).containsExactly("d-x", "d/e", "d/e/f");
        assertThat(p.whole()).extracting(Entry::path).containsExactly("d/e/f/new.txt", "top");
        assertThat(p.delta()).isEmpty();
        assertThat(p.delete()).isEmpty();
    }

    @Test
    void changedFilesGoWholeWhenEitherSideIsSmallAndAsDeltaWhenBothAreLarge() {
        List<Entry> source = List.of(file("small", 10, 1, H1), file("big", 5 * MIB, 1, H1), file("grown", 2 * MIB, 1, H1),
                file("shrunk", 100, 1, H1), file("edge", MIB, 1, H1));
        List<Entry> target = List.of(file("small", 10, 1, H2), file("big", 5 * MIB, 1, H2), file("grown", 100, 1, H2),
                file("shrunk", 2 * MIB, 1, H2), file("edge", MIB, 1, H2));

        Diff.Plan p = Diff.plan(folder(false, false), source, target);

        assertThat(p.whole()).extracting(Entry::path).containsExactly("grown", "shrunk", "small");
        assertThat(p.delta()).extracting(Entry::path).containsExactly("big", "edge");
        assertThat(p.whole()).allMatch(source::contains);
    }

    @Test
    void aDifferentMtimeAloneIsFixedOnlyWhenTimestampsAreKept() {
        List<Entry> source = List.of(file("f", 3, 2000, H1));
        List<Entry> target = List.of(file("f", 3, 1000, H1));

        assertThat(Diff.plan(folder(false, false), source, target).nothingToDo()).isTrue();
        Diff.Plan keep = Diff.plan(folder(false, true), source, target);
        assertThat(keep.touch()).containsExactly(source.get(0));
        assertThat(keep.whole()).isEmpty();
    }

    @Test
    void strictDeletesWhatTheSourceLacksFilesFirstThenDirectoriesDeepestFirst() {
        List<Entry> source = List.of(file("keep", 1, 1, H1));
        List<Entry> target = List.of(file("keep", 1, 1, H1), dir("old"), dir("old/sub"), file("old/sub/f", 1, 1, H1),
                file("old/g", 1, 1, H1), file("z.txt", 1, 1, H1), dir("other"));

        assertThat(Diff.plan(folder(false, false), source, target).nothingToDo()).isTrue();
        Diff.Plan strict = Diff.plan(folder(true, false), source, target);
        assertThat(strict.delete()).containsExactly("old/g", "old/sub/f", "z.txt", "old/sub", "old", "other");
    }

    @Test
    void aFileWhereADirectoryMustBeIsDeletedEvenWhenNotStrict() {
        List<Entry> source = List.of(dir("p"), file("p/q.txt", 1, 1, H1));
        List<Entry> target = List.of(file("p", 7, 1, H2));

        Diff.Plan p = Diff.plan(folder(false, false), source, target);

        assertThat(p.delete()).containsExactly("p");
        assertThat(p.mkdirs()).extracting(Entry::path).containsExactly("p");
        assertThat(p.whole()).extracting(Entry::path).containsExactly("p/q.txt");
    }

    @Test
    void aDirectoryWhereAFileMustBeIsDeletedWithEverythingInItEvenWhenNotStrict() {
        List<Entry> source = List.of(file("p", 1, 1, H1), file("p-other", 1, 1, H1));
        List<Entry> target = List.of(dir("p"), file("p/x", 1, 1, H1), dir("p/y"), file("p/y/z", 1, 1, H1),
                file("p-other", 1, 1, H1));

        Diff.Plan p = Diff.plan(folder(false, false), source, target);

        assertThat(p.delete()).containsExactly("p/x", "p/y/z", "p/y", "p");
        assertThat(p.whole()).extracting(Entry::path).containsExactly("p");
        assertThat(p.mkdirs()).isEmpty();
    }

    @Test
    void aTargetFileAboveASourceEntryIsInTheWayEvenInAPartialList() {
        List<Entry> source = List.of(file("a/b/c", 1, 1, H1));
        List<Entry> target = List.of(file("a", 1, 1, H2));

        assertThat(Diff.plan(folder(false, false), source, target).delete()).containsExactly("a");
    }

    @Test
    void whatATargetHoldsBelowASourceFileIsInTheWayEvenInAPartialList() {
        // a partial cycle's target lists only the paths asked for, not the directories above them
        List<Entry> source = List.of(file("a/b", 1, 1, H1), file("a/c", 1, 1, H1));
        List<Entry> target = List.of(file("a/b/c/d", 1, 1, H2), file("a/c", 1, 1, H1));

        Diff.Plan p = Diff.plan(folder(false, false), source, target);

        assertThat(p.delete()).containsExactly("a/b/c/d");
        assertThat(p.whole()).extracting(Entry::path).containsExactly("a/b");
    }

    @Test
    void aManifestListingAPathTwiceIsRefused() {
        List<Entry> twice = List.of(file("f", 1, 1, H1), file("f", 1, 1, H2));

        assertThatThrownBy(() -> Diff.plan(folder(false, false), twice, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the source manifest lists f twice");
    }

    @Test
    void changedBlocksAreThoseThatDifferOrLieBeyondTheTargetsEnd() {
        Signature target = new Signature(3L * Hashing.BLOCK, List.of("a", "b", "c"));

        assertThat(Diff.changedBlocks(target, List.of("a", "b", "c"))).isEmpty();
        assertThat(Diff.changedBlocks(target, List.of("a", "X", "c"))).containsExactly(1);
        assertThat(Diff.changedBlocks(target, List.of("a", "b", "c", "d", "e"))).containsExactly(3, 4);
        assertThat(Diff.changedBlocks(target, List.of("X", "b"))).containsExactly(0);
        assertThat(Diff.changedBlocks(new Signature(0, List.of()), List.of("a"))).containsExactly(0);
    }
}
