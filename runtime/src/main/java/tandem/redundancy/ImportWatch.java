package tandem.redundancy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import tandem.config.NodeConfig;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;
import tandem.os.Commands;

/**
 * The {@code imports} bean of a redundancy node (routes/redundancy/import.camel.yaml):
 * <ul>
 *   <li>{@link #changed}, polled by the route {@code import-watch}: when {@code last-import.json} in the
 *       node's state folder changed (an import by {@code tandem import}, run by the active over SSH, or
 *       by the action below), its record goes to the engine as a {@code BackupImported} (or
 *       {@code ImportRecordUnreadable}), so a running standby's data state follows without a restart;</li>
 *   <li>{@link #standbyImport}, the action {@code standby-import} (RED-7): {@link StandbyImport} on the
 *       file the operator named ({@code --file F}, the request's argument {@code file});</li>
 *   <li>{@link #statusView}: the last import and the age of the standby's data.</li>
 * </ul>
 */
public final class ImportWatch {
    private final NodeConfig config;
    private final StandbyImport importer;
    private final Consumer<Object> observe;
    private final Clock clock;
    private final Path record;
    /** The record's modification time and size when last looked at; guarded by this. */
    private String seen;

    /** @param observe where a changed record goes: the engine's queue */
    public ImportWatch(NodeConfig config, Commands commands, Consumer<Object> observe, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.importer = new StandbyImport(config, commands, clock);
        this.observe = observe;
        this.clock = clock;
        this.record = config.node().stateDir().resolve(LastImport.FILE);
        // the engine reads the record when it starts: only a change after now is news
        this.seen = stamp();
    }

    /** Route {@code import-watch}: a changed record is observed. */
    public void changed() {
        String now = stamp();
        synchronized (this) {
            if (Objects.equals(now, seen)) {
                return;
            }
            seen = now;
        }
        if (now != null) {
            LastImport.fact(config.node().stateDir()).ifPresent(observe);
        }
    }

    /** The action {@code standby-import}: verifies and imports the file of the request's argument {@code file}. */
    public ActionResult standbyImport(ActionRequest request) {
        String file = request.arg("file");
        if (file == null || file.isBlank()) {
            return new ActionResult(request.action(), false, "no file to import: the decision names none (argument"
                    + " file)", clock.millis());
        }
        StandbyImport.Outcome o = importer.run(Path.of(file));
        // seen at the next poll, as an import by `tandem import` is: one way in for the record
        return new ActionResult(request.action(), o.ok(), o.message(), clock.millis());
    }

    /** The standby's part of the status: its last import and how old its data is. */
    public Map<String, Object> statusView() {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            LastImport.read(record).ifPresentOrElse(e -> {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("at", e.at().toString());
                x.put("name", e.name());
                x.put("size", e.size());
                x.put("sha256", e.sha256().isEmpty() ? null : e.sha256());
                x.put("intervalSeconds", e.interval().toSeconds());
                m.put("lastImport", x);
                m.put("dataAgeSeconds", Math.max(0, (clock.millis() - e.at().toEpochMilli()) / 1000));
            }, () -> m.put("lastImport", null));
        } catch (IllegalArgumentException e) {
            m.put("lastImport", null);
            m.put("lastImportError", e.getMessage());
        }
        return m;
    }

    /** The record's modification time and size, or null when it does not exist. */
    private String stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(record, BasicFileAttributes.class);
            return a.lastModifiedTime().toInstant() + "/" + a.size() + "/" + a.fileKey();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }
}
