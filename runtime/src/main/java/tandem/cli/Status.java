package tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;

/** {@code tandem status --config FILE [--json]}: both nodes, the resources and the last decisions. */
final class Status {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private Status() {
    }

    static int run(Path configFile, boolean json, PrintStream out, PrintStream err) {
        NodeConfig c = ConfigLoader.load(configFile);
        ApiClient localApi = new ApiClient(c);
        ApiClient.Reply r;
        String localProblem = null;
        try {
            r = localApi.get("status");
        } catch (tandem.TandemException e) {
            // the local node does not answer: what its peer says is the next best thing
            r = null;
            localProblem = e.getMessage();
        }
        if (r != null && r.code() != 200) {
            err.println("status: HTTP " + r.code() + ": " + r.body().path("error").asText(r.body().toString()));
            return 1;
        }
        ApiClient peerApi = ApiClient.peer(c);
        JsonNode peer = null;
        String peerProblem = null;
        String unset = c.peer().consolePort().isPresent() ? ""
                : " (peer.console-port is not set, so this node's console.port was tried; set it if the peer's differs)";
        if (peerApi.base().equals(localApi.base())) {
            peerProblem = "its API would be at " + peerApi.base() + ", this node's own address (set peer.console-port"
                    + " to the peer's console.port)";
        } else {
            try {
                ApiClient.Reply p = peerApi.get("status");
                String who = p.body().path("node").path("id").asText();
                if (p.code() == 200 && who.equals(c.peer().id())) {
                    peer = p.body();
                } else if (p.code() == 200) {
                    peerProblem = "its API at " + peerApi.base() + " gives an answer from " + who + ", not from "
                            + c.peer().id() + unset;
                } else {
                    peerProblem = "its API at " + peerApi.base() + " gives HTTP " + p.code() + ": "
                            + p.body().path("error").asText(p.body().toString());
                }
            } catch (tandem.TandemException e) {
                peerProblem = "its API at " + peerApi.base() + " gives no answer" + unset;
            }
        }
        if (json) {
            var both = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
            both.set("local", r == null ? null : r.body());
            both.set("peer", peer);
            if (localProblem != null) {
                both.put("localError", localProblem);
            }
            if (peerProblem != null) {
                both.put("peerError", peerProblem);
            }
            out.println(both.toString());
            return r == null ? 1 : 0;
        }
        if (r == null) {
            out.println("this node " + c.node().id() + " is not answering: " + localProblem);
            out.println();
            if (peer != null) {
                out.println("what its peer " + c.peer().id() + " reports (its own view):");
                print(c, peer, out);
            } else {
                out.println("its peer " + c.peer().id() + " cannot be asked either: " + peerProblem);
            }
            return 1;
        }
        print(c, r.body(), out);
        out.println();
        if (peer != null) {
            out.println("peer " + c.peer().id() + " (its own view):");
            print(c, peer, out);
        } else {
            out.println("peer " + c.peer().id() + ": " + peerProblem);
        }
        return 0;
    }

    static void print(NodeConfig c, JsonNode s, PrintStream out) {
        JsonNode n = s.path("node");
        JsonNode p = s.path("peer");
        out.println("cluster " + c.cluster().name() + " (" + n.path("profile").asText() + ")");
        out.printf(Locale.ROOT, "  %-10s %-7s %-13s services %s, since %s  (this node%s)%n", n.path("id").asText(),
                n.path("state").asText(), n.path("data").asText(), n.path("services").asText(), time(n.path("since")),
                n.has("role") ? ", " + n.path("role").asText() : "");
        if (p.path("state").isNull() || p.path("state").isMissingNode()) {
            out.printf(Locale.ROOT, "  %-10s %-7s %-13s never heard (%s)%n", p.path("id").asText(), "?", "", p.path("address").asText());
        } else {
            out.printf(Locale.ROOT, "  %-10s %-7s %-13s generation %d, last heard %s%n", p.path("id").asText(),
                    p.path("state").asText(), p.path("data").asText(), p.path("generation").asLong(), time(p.path("lastHeard")));
        }
        if (!p.path("mismatch").isNull() && !p.path("mismatch").isMissingNode()) {
            out.println("  ! " + p.path("mismatch").asText());
        }
        for (JsonNode why : n.path("suspendedRules")) {
            out.println("  ! " + why.asText());
        }
        JsonNode cfg = s.path("config");
        if (cfg.path("invalid").isTextual()) {
            out.println("  ! " + c.file().getFileName() + " changed and is not valid (the node runs the configuration it"
                    + " started with): " + cfg.path("invalid").asText().replace("\n", "; "));
        }
        if (cfg.path("pendingRestart").size() > 0) {
            List<String> fields = new java.util.ArrayList<>();
            cfg.path("pendingRestart").forEach(f -> fields.add(f.asText()));
            out.println("  ! " + c.file().getFileName() + " changed; waiting for a restart of the node: "
                    + String.join(", ", fields));
        }
        out.println();
        out.printf(Locale.ROOT, "  %-24s %-8s %-20s %s%n", "RESOURCE", "STATUS", "LAST CHANGE", "DETAIL");
        for (JsonNode x : s.path("resources")) {
            out.printf(Locale.ROOT, "  %-24s %-8s %-20s %s%n", x.path("resource").asText(), x.path("status").asText(),
                    time(x.path("lastChange")), x.path("detail").asText());
        }
        JsonNode rep = s.path("replication");
        if (rep.path("folders").size() > 0 || rep.has("lastCycle") || !rep.path("lastError").isNull()
                && !rep.path("lastError").isMissingNode()) {
            out.println();
            out.println("  replication (" + rep.path("mode").asText() + "), folders: "
                    + (rep.path("folders").size() == 0 ? "none here (the active node's list decides)"
                            : String.join(", ", new com.fasterxml.jackson.databind.ObjectMapper()
                                    .convertValue(rep.path("folders"), String[].class))));
            JsonNode last = rep.path("lastCycle");
            if (!last.isMissingNode()) {
                out.printf(Locale.ROOT, "  last cycle %s: %s, %d compared, %d copied (%d bytes), %d deleted, %d ms%n",
                        time(rep.path("lastAt")), last.path("full").asBoolean() ? "full" : "partial",
                        last.path("entries").asLong(), last.path("copied").asLong(), last.path("bytes").asLong(),
                        last.path("deleted").asLong(), last.path("millis").asLong());
            }
            if (!rep.path("lastError").isNull() && !rep.path("lastError").isMissingNode()) {
                out.println("  ! last cycle failed: " + rep.path("lastError").asText());
            }
        }
        printBackups(s.path("redundancy"), out);
        JsonNode checklist = s.path("redundancy").path("checklist");
        if (checklist.size() > 0) {
            out.println();
            out.println("  switchover checklist (RED-11), to move by hand before a switchover:");
            for (int i = 0; i < checklist.size(); i++) {
                out.println("  " + (i + 1) + ") " + checklist.get(i).asText());
            }
        }
        out.println();
        out.println("  last events:");
        JsonNode ev = s.path("events");
        for (int i = Math.max(0, ev.size() - 10); i < ev.size(); i++) {
            out.println("  " + time(ev.get(i).path("at")) + "  " + ev.get(i).path("text").asText());
        }
    }

    /** The redundancy profile's backups: the active's transfers and next run, the standby's last import. */
    static void printBackups(JsonNode red, PrintStream out) {
        if (red.has("schedule")) {
            out.println();
            out.println("  backup transfers " + red.path("schedule").asText() + "; next run " + time(red.path("nextRun")));
            JsonNode t = red.path("lastTransfer");
            if (t.isObject()) {
                String what = String.format(Locale.ROOT, "%s, %s bytes, %s ms, %d attempt(s)%s",
                        t.path("name").asText("no backup created"), t.path("size").asLong() < 0 ? "-" : t.path("size").asText(),
                        t.path("millis").asText(), t.path("attempts").asInt(), t.path("verified").asBoolean()
                                ? ", SHA-256 verified on the standby" : "");
                if (t.path("ok").asBoolean()) {
                    out.println("  last transfer " + time(t.path("at")) + ": " + what);
                } else {
                    out.println("  ! last transfer " + time(t.path("at")) + " failed: " + what + ": " + t.path("error").asText());
                }
            } else {
                out.println("  last transfer: none yet");
            }
        }
        if (red.has("lastImport")) {
            out.println();
            JsonNode i = red.path("lastImport");
            if (i.isObject()) {
                out.println("  last import " + time(i.path("at")) + ": " + i.path("name").asText() + " (" + i.path("size").asText()
                        + " bytes); data age " + tandem.config.Durations.format(java.time.Duration.ofSeconds(
                                red.path("dataAgeSeconds").asLong())));
            } else if (red.path("lastImportError").isTextual()) {
                out.println("  ! last import unknown: " + red.path("lastImportError").asText());
            } else {
                out.println("  last import: none yet (RED-7: tandem command standby-import --file F --confirm)");
            }
        }
    }

    private static String time(JsonNode t) {
        if (t == null || t.isNull() || t.isMissingNode()) {
            return "-";
        }
        return TIME.format(Instant.parse(t.asText()));
    }
}
