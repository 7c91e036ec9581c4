package tandem.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.os.SystemCommands;
import tandem.redundancy.StandbyImport;

/**
 * {@code tandem import --config standby.yaml --file F}: on a standby of the redundancy profile, verifies
 * the backup {@code F} against its manifest and this standby's configuration, imports it and records the
 * import (RED-1, RED-2, RED-3). The active runs it over SSH after a verified upload
 * ({@code redundancy.standby.import-command}); exit 0 imported, 1 refused or failed, with the reason.
 */
final class Import {
    private Import() {
    }

    static int run(Path configFile, Path file, PrintStream out, PrintStream err) {
        NodeConfig c = ConfigLoader.load(configFile);
        StandbyImport.Outcome o = new StandbyImport(c, new SystemCommands(), Clock.systemUTC()).run(file);
        (o.ok() ? out : err).println(o.message());
        return o.ok() ? 0 : 1;
    }
}
