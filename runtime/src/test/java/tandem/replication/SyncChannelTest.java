package tandem.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.Folder;
import tandem.testing.LogCapture;

/**
 * The sync channel end to end in one process: the active node's {@link SyncServer} behind a real
 * camel-netty server with the signing pipeline, the standby's {@link SyncClient} through a real
 * camel-netty producer, two folders on disk.
 */
class SyncChannelTest {
    private static final String SECRET = "sync-channel-test-secret";

    @TempDir
    Path dir;

    private CamelContext camel;
    private ProducerTemplate template;
    private SyncServer server;
    private final AtomicBoolean active = new AtomicBoolean(true);
    private final AtomicBoolean standby = new AtomicBoolean(true);
    /** The active node's clock: the system's, moved on by {@code shift} ms. */
    private final java.util.concurrent.atomic.AtomicLong shift = new java.util.concurrent.atomic.AtomicLong();
    private final Clock serverClock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(System.currentTimeMillis() + shift.get());
        }
    };
    private Path src;
    private Path dst;
    private Path srcB;
    private Path dstB;
    private int port;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @BeforeEach
    void channel() throws Exception {
        src = Files.createDirectories(dir.resolve("node1/data"));
        dst = dir.resolve("node2/data");
        srcB = Files.createDirectories(dir.resolve("node1/loose"));
        dstB = dir.resolve("node2/loose");
        List<Folder> folders = List.of(
                new Folder(src, List.of("**"), List.of("**/*.tmp"), true, true, Optional.of(dst)),
                new Folder(srcB, List.of("**"), List.of(), false, false, Optional.of(dstB), Optional.of("site-script")));
        server = new SyncServer("node2", folders, dir.resolve("node1/state/sync"), active::get, serverClock,
                () -> null);
        port = freePort();
        SyncCodec codec = new SyncCodec(SECRET);
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("server-pipeline", new SyncPipelines.Server(codec, "node1", Optional.empty(),
                serverClock));
        camel.getRegistry().bind("client-pipeline", new SyncPipelines.Client(codec, "node2", Optional.empty(),
                Clock.systemUTC(), "127.0.0.1", port));
        camel.getRegistry().bind("wrong-secret", new SyncPipelines.Client(new SyncCodec("another-secret"), "node2",
                Optional.empty(), Clock.systemUTC(), "127.0.0.1", port));
        camel.getRegistry().bind("sync", server);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("netty:tcp://127.0.0.1:" + port + "?sync=true&allowDefaultCodec=false"
                        + "&serverInitializerFactory=#server-pipeline").bean("sync", "handle");
            }
        });
        camel.start();
        template = camel.createProducerTemplate();
    }

    @AfterEach
    void close() {
        camel.stop();
        // a test that stopped a cycle midway leaves it open: ended here, as ten idle minutes would, so
        // that it holds no heap room for the tests that run after in this JVM
        shift.set(SyncServer.CYCLE_IDLE + 60_000);
        server.cyclesUnderway();
    }

    private SyncClient client(String pipeline) {
        SyncTransport t = new CamelTransport(template, CamelTransport.endpoint("127.0.0.1", port, pipeline), "node1");
        return new SyncClient("node2", t, dir.resolve("node2/state/sync"), ownFolders(), standby::get,
                Clock.systemUTC());
    }

    /** What node2's configuration lists: the two folders where it keeps them. */
    private AllowedTargets ownFolders() {
        return new AllowedTargets(List.of(dst, dstB), List.of());
    }

    @Test
    void aFullCycleMakesTheStandbyTreeIdenticalAndASecondCopiesNothing() throws Exception {
        Trees.generate(src, 1);
        Trees.write(src.resolve("skip.tmp"), new byte[] {1, 2, 3});
        SyncClient c = client("client-pipeline");

        CycleReport first = c.cycle(null);

        Map<String, String> want = Trees.listing(src, true);
        want.remove("skip.tmp");
        assertThat(Trees.settledListing(dst, true)).as("identical, timestamps kept, excluded file left out").isEqualTo(want);
        assertThat(first.copied()).isEqualTo(want.values().stream().filter(v -> !v.equals("dir")).count());
        assertThat(server.lastDone().ok()).isTrue();

        CycleReport second = c.cycle(null);
        assertThat(second.copied()).isZero();
        assertThat(second.bytes()).isZero();
    }

    @Test
    void aManifestOfManyPagesArrivesWholeWithItsPagesAskedForAhead() throws Exception {
        Trees.generate(src, 3);
        server.pageSize(3);
        SyncClient c = client("client-pipeline");

        CycleReport first = c.cycle(null);

        Map<String, String> want = Trees.listing(src, true);
        assertThat(want.size()).as("several pages").isGreaterThan(4 * 3);
        assertThat(first.entries()).isEqualTo(want.size());
        assertThat(Trees.settledListing(dst, true)).isEqualTo(want);
        assertThat(c.cycle(null).copied()).isZero();
    }

    @Test
    void aStandbySeededByHandIsComparedByContentThoughTheActiveNodeDefersItsHashes() throws Exception {
        Trees.generate(src, 3);
        Trees.generate(dst, 3); // the same content, copied by hand before Tandem ran: other modification times
        byte[] other = Files.readAllBytes(dst.resolve("many/f7.bin"));
        other[0] ^= 1; // same size, other content: only a hash tells
        Files.write(dst.resolve("many/f7.bin"), other);
        Files.delete(dst.resolve("many/f8.bin")); // missing: fetched, its hash sent with its data
        SyncClient c = client("client-pipeline");

        CycleReport first = c.cycle(null);

        assertThat(Trees.settledListing(dst, true)).isEqualTo(Trees.listing(src, true));
        assertThat(first.copied()).as("the changed and the missing file, nothing else").isEqualTo(2);
        assertThat(first.touched()).as("the others only get their timestamps").isPositive();
        assertThat(first.warnings()).isEmpty();
    }

    @Test
    void anUpdateScriptsListIsWhatAPeriodicCycleComparesOnTopOfAFullComparison() throws Exception {
        Trees.write(srcB.resolve("a.lbl"), "a1".getBytes());
        Trees.write(srcB.resolve("b.lbl"), "b1".getBytes());
        java.util.concurrent.atomic.AtomicReference<Optional<List<String>>> script =
                new java.util.concurrent.atomic.AtomicReference<>(Optional.of(List.of()));
        server.updateScripts(f -> script.get());
        SyncClient c = client("client-pipeline");

        c.cycle(null);
        assertThat(dstB.resolve("b.lbl")).as("the first cycle compares everything").hasContent("b1");

        Trees.write(srcB.resolve("a.lbl"), "a2".getBytes());
        Trees.write(srcB.resolve("b.lbl"), "b2".getBytes());
        script.set(Optional.of(List.of("a.lbl")));
        CycleReport listed = c.cycle(null);
        assertThat(dstB.resolve("a.lbl")).hasContent("a2");
        assertThat(dstB.resolve("b.lbl")).as("not listed by the script: not compared").hasContent("b1");
        assertThat(listed.copied()).isEqualTo(1);

        script.set(Optional.empty()); // the script failed: everything is compared
        c.cycle(null);
        assertThat(dstB.resolve("b.lbl")).hasContent("b2");
    }

    @Test
    void changesAddsAndDeletesFollowStrictAndKeepTimestampsPerFolder() throws Exception {
        Trees.generate(src, 2);
        Trees.write(srcB.resolve("kept.txt"), "stays on the standby\n".getBytes());
        Trees.write(srcB.resolve("changed.txt"), "one\n".getBytes());
        SyncClient c = client("client-pipeline");
        c.cycle(null);

        Files.delete(src.resolve("many/f3.bin"));
        Trees.write(src.resolve("new/added.txt"), "added\n".getBytes());
        Trees.write(src.resolve("a/b/c/deep.txt"), "rewritten\n".getBytes());
        Files.delete(srcB.resolve("kept.txt"));
        Trees.write(srcB.resolve("changed.txt"), "two\n".getBytes());
        Files.setLastModifiedTime(srcB.resolve("changed.txt"), FileTime.fromMillis(1_000_000_000_000L));
        c.cycle(null);

        assertThat(Trees.settledListing(dst, true)).as("strict, keep-timestamps: identical").isEqualTo(Trees.listing(src, true));
        assertThat(dstB.resolve("kept.txt")).as("not strict: a file the primary deleted stays").exists();
        assertThat(Files.readString(dstB.resolve("changed.txt"))).isEqualTo("two\n");
        assertThat(Files.getLastModifiedTime(dstB.resolve("changed.txt")).toMillis())
                .as("timestamps not kept in this folder").isNotEqualTo(1_000_000_000_000L);
    }

    @Test
    void aBigFileChangedInPartTravelsByItsChangedBlocks() throws Exception {
        Trees.generate(src, 3);
        SyncClient c = client("client-pipeline");
        c.cycle(null);
        byte[] big = Files.readAllBytes(src.resolve("big/large.bin"));
        byte[] patch = Trees.bytes(new Random(9), 4096);
        System.arraycopy(patch, 0, big, 1_500_000, patch.length);
        Files.write(src.resolve("big/large.bin"), big);

        CycleReport r = c.cycle(null);

        assertThat(Files.readAllBytes(dst.resolve("big/large.bin"))).isEqualTo(big);
        assertThat(r.copied()).isEqualTo(1);
        assertThat(r.bytes()).as("one or two 128 KiB blocks, not 3 MiB").isLessThanOrEqualTo(2 * 128 * 1024);
    }

    @Test
    void aPartialCycleCopiesTheListedPathsOnly() throws Exception {
        Trees.generate(src, 4);
        SyncClient c = client("client-pipeline");
        c.cycle(null);
        Trees.write(src.resolve("many/f1.bin"), "listed\n".getBytes());
        Trees.write(src.resolve("many/f2.bin"), "not listed\n".getBytes());

        CycleReport r = c.cycle(Map.of(src.toString(), Set.of("many/f1.bin")));

        assertThat(r.full()).isFalse();
        assertThat(Files.readString(dst.resolve("many/f1.bin"))).isEqualTo("listed\n");
        assertThat(Files.readAllBytes(dst.resolve("many/f2.bin"))).isNotEqualTo("not listed\n".getBytes());
    }

    @Test
    void aNodeThatIsNotActiveServesNothingAndAStandbyThatTookOverWritesNothing() throws Exception {
        Trees.generate(src, 5);
        active.set(false);
        assertThatThrownBy(() -> client("client-pipeline").cycle(null)).isInstanceOf(SyncException.class)
                .hasMessageContaining("not active");
        active.set(true);
        standby.set(false);
        assertThatThrownBy(() -> client("client-pipeline").cycle(null)).isInstanceOf(SyncException.class)
                .hasMessageContaining("no longer the standby");
        assertThat(dst.resolve("a")).doesNotExist();
    }

    @Test
    void requestsSignedWithAnotherSecretAreNotAnswered() throws Exception {
        Trees.generate(src, 6);
        assertThatThrownBy(() -> client("wrong-secret").cycle(null)).isInstanceOf(SyncException.class);
        assertThat(dst.resolve("a")).doesNotExist();
    }

    @Test
    void aPathOutsideTheFolderIsRefusedAsAnAttack() throws Exception {
        Files.createDirectories(dst);
        // an active node that lists ../ paths (compromised or forged): the standby writes nothing
        SyncTransport evil = request -> {
            ObjectNode h = SyncCodec.JSON.createObjectNode();
            h.put("type", "reply");
            h.put("ok", true);
            switch (request.type()) {
                case "folders" -> {
                    ObjectNode f = h.putArray("folders").addObject();
                    f.put("id", src.toString());
                    f.put("target", dst.toString());
                    f.putArray("include").add("**");
                }
                case "manifest" -> h.putArray("entries").addArray().add("../escaped.txt").add("f").add(3).add(0)
                        .add("00000000000000000000000000000000");
                default -> { }
            }
            return new SyncMessage(h);
        };
        SyncClient c = new SyncClient("node2", evil, dir.resolve("node2/state/sync"), ownFolders(), () -> true,
                Clock.systemUTC());

        assertThatThrownBy(() -> c.cycle(null)).isInstanceOf(SyncException.class).hasMessageContaining("unsafe path");
        assertThat(dir.resolve("node2/escaped.txt")).doesNotExist();
    }

    @Test
    void aTargetThatIsARootOrHoldsThisNodesStateIsRefused() {
        for (String target : List.of("/", dir.toString(), dir.resolve("node2/state/sync/kept/x").toString())) {
            SyncTransport t = request -> {
                ObjectNode h = SyncCodec.JSON.createObjectNode();
                h.put("type", "reply");
                h.put("ok", true);
                if (request.type().equals("folders")) {
                    ObjectNode f = h.putArray("folders").addObject();
                    f.put("id", src.toString());
                    f.put("target", target);
                    f.put("strict", true);
                }
                return new SyncMessage(h);
            };
            // even a configuration that allowed everything (the config check forbids a root there)
            AllowedTargets all = new AllowedTargets(List.of(), List.of(Path.of("/")));
            SyncClient c = new SyncClient("node2", t, dir.resolve("node2/state/sync"), all, () -> true,
                    Clock.systemUTC());
            assertThatThrownBy(() -> c.cycle(null)).as(target).isInstanceOf(SyncException.class)
                    .hasMessageContaining("refused").hasMessageContaining(target.equals("/") ? "root" : "state");
        }
    }

    /**
     * An active node (forged, or holding the cluster secret and compromised) that lists {@code targets},
     * each strict with an empty manifest: a standby that obeyed would empty every one of them.
     */
    private static SyncTransport forged(String... targets) {
        return request -> {
            ObjectNode h = SyncCodec.JSON.createObjectNode();
            h.put("type", "reply");
            h.put("ok", true);
            if (request.type().equals("folders")) {
                var list = h.putArray("folders");
                for (String target : targets) {
                    ObjectNode f = list.addObject();
                    f.put("id", "/primary" + target);
                    f.put("target", target);
                    f.put("strict", true);
                    f.putArray("include").add("**");
                }
            } else if (request.type().equals("manifest")) {
                h.putArray("entries");
            }
            return new SyncMessage(h);
        };
    }

    @Test
    void aTargetThisNodesConfigurationDoesNotListIsRefusedLeftIntactAndLoggedOnce() throws Exception {
        Path victim = Files.createDirectories(dir.resolve("node2/victim"));
        Trees.write(victim.resolve("authorized_keys"), "ssh-ed25519 AAAA admin\n".getBytes());
        SyncClient c = new SyncClient("node2", forged(victim.toString()), dir.resolve("node2/state/sync"), ownFolders(),
                () -> true, Clock.systemUTC());

        try (LogCapture log = new LogCapture(SyncClient.class)) {
            for (int cycle = 0; cycle < 3; cycle++) {
                assertThatThrownBy(() -> c.cycle(null)).isInstanceOf(SyncException.class)
                        .hasMessageContaining("may not write").hasMessageContaining(victim.toString());
            }
            assertThat(log.messages(Level.ERROR)).as("one attack line for three refused cycles").singleElement()
                    .asString().contains("ATTACK?", victim.toString(), "allowed-roots");
        }
        assertThat(victim.resolve("authorized_keys")).as("strict with an empty manifest, yet intact")
                .hasContent("ssh-ed25519 AAAA admin\n");
    }

    @Test
    void everyFolderIsCheckedBeforeAnythingIsWritten() throws Exception {
        Trees.write(dst.resolve("kept.txt"), "node2's copy\n".getBytes());
        Path victim = Files.createDirectories(dir.resolve("node2/victim"));
        // the allowed folder comes first: strict with an empty manifest, it would be emptied at once
        SyncClient c = new SyncClient("node2", forged(dst.toString(), victim.toString()), dir.resolve("node2/state/sync"),
                ownFolders(), () -> true, Clock.systemUTC());

        assertThatThrownBy(() -> c.cycle(null)).isInstanceOf(SyncException.class).hasMessageContaining("refused");
        assertThat(dst.resolve("kept.txt")).as("the cycle failed before it touched the allowed folder").exists();
    }

    @Test
    void allowedRootsAdmitTheFoldersInsideThemAndNothingBesideThem() throws Exception {
        Path root = Files.createDirectories(dir.resolve("node2/extra"));
        Path inside = root.resolve("labels");
        Trees.write(inside.resolve("old.lbl"), "the primary deleted it\n".getBytes());
        Path beside = Files.createDirectories(dir.resolve("node2/extra-not"));
        Trees.write(beside.resolve("keep.lbl"), "x".getBytes());
        AllowedTargets allowed = new AllowedTargets(List.of(dst), List.of(root));

        for (Path target : List.of(inside, root)) {
            SyncClient c = new SyncClient("node2", forged(target.toString()), dir.resolve("node2/state/sync"), allowed,
                    () -> true, Clock.systemUTC());
            c.cycle(null);
        }
        assertThat(inside.resolve("old.lbl")).as("admitted, so strict sync applies there").doesNotExist();

        SyncClient c = new SyncClient("node2", forged(beside.toString()), dir.resolve("node2/state/sync"), allowed,
                () -> true, Clock.systemUTC());
        assertThatThrownBy(() -> c.cycle(null)).isInstanceOf(SyncException.class).hasMessageContaining("refused");
        assertThat(beside.resolve("keep.lbl")).as("a name that merely starts like the root").exists();
    }

    @Test
    void neitherASymbolicLinkNorDotDotLeadsOutOfAnAllowedRoot() throws Exception {
        Path root = Files.createDirectories(dir.resolve("node2/extra"));
        Path victim = Files.createDirectories(dir.resolve("node2/victim"));
        Trees.write(victim.resolve("keep.txt"), "x".getBytes());
        Files.createSymbolicLink(root.resolve("link"), victim);
        AllowedTargets allowed = new AllowedTargets(List.of(), List.of(root));

        for (String target : List.of(root.resolve("link").toString(), root + "/../victim")) {
            SyncClient c = new SyncClient("node2", forged(target), dir.resolve("node2/state/sync"), allowed, () -> true,
                    Clock.systemUTC());
            assertThatThrownBy(() -> c.cycle(null)).as(target).isInstanceOf(SyncException.class)
                    .hasMessageContaining("refused");
        }
        assertThat(victim.resolve("keep.txt")).exists();
    }

    /** Opens a connection, sends {@code bytes} and waits until the active node has closed it. */
    private void badConnection(byte[] bytes) throws IOException {
        try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            assertThat(s.getInputStream().read()).as("closed by the active node").isEqualTo(-1);
        }
    }

    @Test
    void aFloodOfBadConnectionsLogsOneWarningPerReasonAndWindowWithTheNumberLeftOut() throws Exception {
        byte[] oversized = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        try (LogCapture log = new LogCapture(SyncPipelines.class)) {
            for (int i = 0; i < 20; i++) {
                badConnection(oversized);
            }
            assertThat(log.messages(Level.WARN)).as("the first of 20").singleElement().asString()
                    .contains("length prefix 4294967295");

            shift.set(tandem.link.DropLog.EVERY_MILLIS + 1000); // the next window
            badConnection(oversized);
            assertThat(log.messages(Level.WARN)).hasSize(2);
            assertThat(log.messages(Level.WARN).get(1)).contains("length prefix", "19 more");
        }
    }

    @Test
    void aReplayedRequestIsRefusedEveryTimeAndWarnedOfOncePerWindow() {
        ObjectNode h = read("s4", "0123456789ab", "x");
        h.put("type", "folders");
        assertThat(server.handle(new SyncMessage(h.deepCopy(), null)).header().path("ok").asBoolean()).isTrue();
        try (LogCapture log = new LogCapture(SyncServer.class)) {
            for (int i = 0; i < 20; i++) {
                // a captured request sent again (no secret needed): refused each time
                assertThat(server.handle(new SyncMessage(h.deepCopy(), null)).header().path("error").asText())
                        .contains("replayed");
            }
            assertThat(log.messages(Level.WARN)).singleElement().asString().contains("replayed");
        }
    }

    @Test
    void theServerRefusesAPathThatLeavesTheFolder() {
        SyncMessage reply = server.handle(new SyncMessage(read("s1", null, "../../etc/passwd"), null));

        assertThat(reply.header().path("ok").asBoolean()).isFalse();
        assertThat(reply.header().path("error").asText()).contains("unsafe path");
        assertThat(reply.payload()).isEmpty();
    }

    @Test
    void aReadSentAfterItsCycleEndedDoesNotStartAnotherOne() throws Exception {
        Trees.write(src.resolve("f.bin"), new byte[1000]);
        client("client-pipeline").cycle(null);
        assertThat(server.cyclesUnderway()).isZero();
        // a cycle that is over, or never begun: a read asked ahead arrives after done
        SyncMessage reply = server.handle(new SyncMessage(read("s2", "0123456789ab", "f.bin"), null));

        assertThat(reply.header().path("ok").asBoolean()).isTrue();
        assertThat(reply.length()).isEqualTo(100);
        assertThat(server.cyclesUnderway()).as("no cycle begun (it would hold its scans and the heap open)").isZero();
    }

    @Test
    void aCycleTheStandbyNeverEndsIsOverAfterTenIdleMinutes() {
        ObjectNode h = read("s3", "feedfacecafe", "x");
        h.put("type", "folders");
        assertThat(server.handle(new SyncMessage(h, null)).header().path("ok").asBoolean()).isTrue();
        assertThat(server.cyclesUnderway()).as("begun, and the standby then stopped (no done)").isEqualTo(1);

        shift.set(SyncServer.CYCLE_IDLE - 1000);
        assertThat(server.cyclesUnderway()).isEqualTo(1);
        shift.set(SyncServer.CYCLE_IDLE + 1000);
        assertThat(server.cyclesUnderway()).isZero();
    }

    /** The header of a read of the first 100 bytes of {@code path} in the first folder, as node2 sends it. */
    private ObjectNode read(String session, String cycle, String path) {
        ObjectNode h = SyncCodec.JSON.createObjectNode();
        h.put("type", "read");
        h.put("from", "node2");
        h.put("ts", System.currentTimeMillis());
        h.put("session", session);
        h.put("seq", 1);
        if (cycle != null) {
            h.put("cycle", cycle);
        }
        h.put("folder", src.toString());
        h.put("path", path);
        h.put("offset", 0);
        h.put("length", 100);
        return h;
    }
}
