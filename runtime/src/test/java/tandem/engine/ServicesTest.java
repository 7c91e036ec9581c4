package tandem.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.facts.ActionResult;

/**
 * The managed services' activity is a fact of its own: the rules that match the node's state do not
 * fire again when only the services change (STARTING, RUNNING, STOPPING, STOPPED).
 */
class ServicesTest extends EngineHarness {


    @Test
    void aSiteRuleOnTheNodesStateFiresOnceWhileTheServicesStartAndRun(@TempDir Path tmp) throws Exception {
        Path site = Fixtures.drlFolder(tmp, "site.drl", HEADER + """
                rule "Mail when the node is alone"
                when
                    LocalNode(state == NodeState.ALONE)
                then
                    insert(Decision.by(drools).act("mail-takeover").because("this node runs alone"));
                end
                """);
        RuleSet rules = RuleSet.compile(Fixtures.msFailoverFolders(List.of(site)));
        engine = Fixtures.aloneWithoutPeer(rules, events, actions);
        assertThat(asked("start-services")).isEqualTo(1);

        engine.actionResult(new ActionResult("vip-up", true, "ok", 30_100));
        engine.actionResult(new ActionResult("start-services", true, "ok", 30_200));
        engine.actionResult(new ActionResult("mail-takeover", true, "queued", 30_300));
        for (long t = 31_000; t <= 40_000; t += 1_000) {
            engine.advanceTo(t);
            engine.tick();
        }

        assertThat(engine.status().activity().name()).isEqualTo("RUNNING");
        assertThat(asked("mail-takeover")).as("one mail for one takeover, whatever the services did meanwhile")
                .isEqualTo(1);
    }
}
