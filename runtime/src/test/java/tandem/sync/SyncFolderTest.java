package tandem.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.config.Folder;

class SyncFolderTest {

    @Test
    void aConfiguredFolderIsNamedByItsPath() {
        Folder f = new Folder(Path.of("/srv/app/data"), List.of("**"), List.of("*.tmp"), true, true);

        SyncFolder s = SyncFolder.of(f);

        assertThat(s).isEqualTo(new SyncFolder("/srv/app/data", Path.of("/srv/app/data"), List.of("**"), List.of("*.tmp"),
                true, true));
        assertThat(s.at(Path.of("/standby/data")).id()).isEqualTo("/srv/app/data");
    }

    @Test
    void listsAreCopiedAndNullsAndBadPatternsRefused() {
        List<String> include = new ArrayList<>(List.of("**"));
        SyncFolder s = new SyncFolder("id", Path.of("/d"), include, List.of(), false, false);
        include.add("x");

        assertThat(s.include()).containsExactly("**");
        assertThatThrownBy(() -> s.include().add("y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new SyncFolder(null, Path.of("/d"), List.of(), List.of(), false, false))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new SyncFolder("id", null, List.of(), List.of(), false, false))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new SyncFolder("id", Path.of("/d"), List.of("{a"), List.of(), false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'{a'");
    }

    @Test
    void entriesAreJsonRecords() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<Entry> entries = List.of(Entry.file("a/b.txt", 3, 1000, "0123456789abcdef0123456789abcdef"), Entry.dir("a", 5));

        for (Entry e : entries) {
            String text = json.writeValueAsString(e);
            assertThat(json.readValue(text, Entry.class)).isEqualTo(e);
        }
        assertThat(json.writeValueAsString(entries.get(1)))
                .isEqualTo("{\"path\":\"a\",\"kind\":\"DIR\",\"size\":0,\"mtimeMillis\":5,\"hash\":null}");
        assertThatThrownBy(() -> Entry.file("f", 1, 1, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
