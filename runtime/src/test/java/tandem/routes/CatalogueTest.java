package tandem.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogueTest {

    @Test
    void actionsAndCommandsAreTheRoutesThatCarryThem(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.camel.yaml"), """
                # a site's routes
                - route:
                    id: action-site-mail
                    group: mail
                    routeConfigurationId: tandem-errors
                    from:
                      uri: direct:action-site-mail
                      steps:
                        - setBody:
                            constant: x
                        - bean:
                            ref: vip
                            method: "acquire(${body}, 'swap')"
                        - to:
                            uri: "seda:elsewhere"
                - route:
                    id: command-maintenance
                    routeConfigurationId: tandem-errors
                    from:
                      uri: direct:command-maintenance
                      steps:
                        - bean:
                            ref: commands
                            method: submit
                - route:
                    id: action-plain
                    from:
                      uri: direct:action-plain
                      steps:
                        - log: "x"
                - route:
                    id: lane-mail
                    from:
                      uri: "seda:tandem-lane-mail?concurrentConsumers=1"
                      steps:
                        - log: "x"
                """);
        Catalogue c = Catalogue.read(List.of(dir));
        assertEquals(List.of("site-mail", "plain"), List.copyOf(c.actions().keySet()));
        Catalogue.Action mail = c.action("site-mail").orElseThrow();
        assertEquals("mail", mail.lane());
        assertEquals(2, mail.line());
        assertEquals(List.of(new Catalogue.BeanCall("vip", "acquire", "${body}, 'swap'")), mail.calls());
        assertEquals(List.of("swap"), mail.calls().get(0).literals());
        assertEquals(Catalogue.DEFAULT_LANE, c.action("plain").orElseThrow().lane());
        assertTrue(c.hasCommand("maintenance"));
        assertEquals(16, c.commands().get("maintenance").line());
        assertEquals(List.of("actions", "mail"), c.lanes());
        Catalogue.Lane lane = c.laneRoutes().get("mail");
        assertEquals(31, lane.line());
        assertTrue(lane.consumesItsEndpoint());
        assertEquals("seda:tandem-lane-mail", Catalogue.laneEndpoint("mail"));
    }

    @Test
    void theShippedCommandRoutesAreCommands() {
        Catalogue c = Catalogue.read(List.of(Path.of("..", "routes", "common"), Path.of("..", "routes", "pair")));
        assertTrue(c.hasCommand("start") && c.hasCommand("stop") && c.hasCommand("swap"), c.commands().toString());
        assertEquals(List.of("actions", "sync"), List.copyOf(c.laneRoutes().keySet()));
        assertEquals("sync", c.action("resync").orElseThrow().lane());
        assertEquals(List.of(new Catalogue.BeanCall("peer", "forward", "${body}, 'swap'")),
                c.action("forward-swap").orElseThrow().calls());
    }

    @Test
    void theCommonRoutesAloneHaveNoReplicationAndNoPairActions() {
        Catalogue c = Catalogue.read(List.of(Path.of("..", "routes", "common")));
        assertEquals(List.of("actions"), List.copyOf(c.laneRoutes().keySet()));
        assertTrue(c.action("resync").isEmpty() && c.action("fence-peer").isEmpty(), c.actions().toString());
        assertTrue(c.hasCommand("swap"), "the commands stay common: the redundancy rules refuse swap with the reason");
    }
}
