package tandem.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;

/**
 * {@code tandem command NAME --config FILE}: an operator command to the running node, which sends it to
 * its route {@code command-NAME}; the node's rules answer it. The node says which commands it has.
 */
final class Command {
    private Command() {
    }

    static int run(String name, Path configFile, PrintStream out, PrintStream err) throws Exception {
        NodeConfig c = ConfigLoader.load(configFile);
        ApiClient.Reply r = new ApiClient(c).post("command", new ObjectMapper().writeValueAsString(Map.of("name", name)));
        if (r.code() == 200) {
            out.println(name + " accepted by " + c.node().id() + ": " + r.body().path("reason").asText());
            return 0;
        }
        if (r.code() == 404) {
            err.println("command: " + c.node().id() + ": " + r.body().path("reason").asText());
            return 2;
        }
        if (r.code() == 409) {
            err.println(name + " refused by " + c.node().id() + ": " + r.body().path("reason").asText());
            return 1;
        }
        err.println("command: HTTP " + r.code() + ": " + r.body().path("error").asText(r.body().toString()));
        return 1;
    }
}
