package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tandem.demo.LocalCluster;
import tandem.demo.LocalCluster.Node;

/**
 * The web console in headless Chromium against two real {@code tandem run} processes on loopback, as an
 * operator uses it: log in, see both nodes, swap with a confirmation, watch the states change, see a
 * refusal with its reason, read and search the commands log, log out. Screenshots are kept in
 * {@code target/console-screenshots/} (the README's come from there).
 */
class ConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target", "console-screenshots");

    private LocalCluster cluster;
    private WebDriver browser;

    @BeforeAll
    static void browserPresent() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!present && "true".equals(System.getenv("CI"))) {
            Assertions.fail("CI: " + CHROMIUM + " and " + DRIVER + " are missing; .ci/run installs Debian's chromium"
                    + " and chromium-driver");
        }
        Assumptions.assumeTrue(present, "no " + CHROMIUM + " / " + DRIVER + ": apt-get install chromium chromium-driver");
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Path home() {
        return Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
    }

    private void shot(String name) throws Exception {
        Files.createDirectories(SHOTS);
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private WebDriverWait within(int seconds) {
        WebDriverWait w = new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(100));
        // the page redraws its lists as answers come in: an element found a moment ago may be gone
        w.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        w.withMessage(() -> "page now: " + browser.findElement(By.tagName("body")).getText());
        return w;
    }

    private String state(String card) {
        return browser.findElement(By.id(card)).getAttribute("data-state");
    }

    private WebElement button(String command, Node n) {
        return browser.findElement(By.cssSelector("button[data-command='" + command + "'][data-node='" + n.id() + "']"));
    }

    private WebElement outcome(String command) {
        List<WebElement> all = browser.findElements(By.cssSelector("#outcomes li[data-command='" + command + "']"));
        return all.isEmpty() ? null : all.get(0);
    }

    @Test
    void anOperatorLogsInSeesBothNodesSwapsThemAndReadsTheCommandsLog(@TempDir Path dir) throws Exception {
        cluster = new LocalCluster(home(), dir, null, null);
        Node n1 = cluster.node("node1");
        Node n2 = cluster.node("node2");
        cluster.start(n1);
        cluster.start(n2);
        ClusterAwait.await(cluster, "a PRIM/SECOND pair", Duration.ofSeconds(90), 100,
                () -> cluster.state(n1).startsWith("PRIM") && cluster.state(n2).equals("SECOND uptodate")
                        || cluster.state(n2).startsWith("PRIM") && cluster.state(n1).equals("SECOND uptodate"));
        Node prim = cluster.state(n1).startsWith("PRIM") ? n1 : n2;
        Node second = cluster.other(prim);

        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--window-size=1400,1300", "--user-data-dir=" + dir.resolve("chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().withLogFile(dir.resolve("chromedriver.log").toFile()).build();
        browser = new ChromeDriver(service, o);

        // the console of the primary; nobody logged in yet
        browser.get(cluster.consoleUrl(prim));
        within(20).until(d -> d.findElement(By.id("login-form")).isDisplayed());
        WebElement password = browser.findElement(By.id("login-password"));
        password.sendKeys("not the password");
        browser.findElement(By.id("login-submit")).click();
        within(20).until(d -> d.findElement(By.id("login-error")).getText().contains("wrong user or password"));
        shot("login-refused");
        password.sendKeys(cluster.consolePassword());
        browser.findElement(By.id("login-submit")).click();

        // both nodes, in their states, with their resources
        within(30).until(d -> "PRIM".equals(state("node-local")) && "SECOND".equals(state("node-peer")));
        assertThat(browser.findElement(By.id("node-local")).getText()).contains(prim.id() + " (this node)", "uptodate");
        assertThat(browser.findElement(By.id("node-peer")).getText()).contains(second.id() + " (peer)", "uptodate");
        within(20).until(d -> !d.findElements(By.cssSelector("#resources-" + second.id() + " tbody tr")).isEmpty());
        assertThat(browser.findElement(By.id("resources-" + prim.id())).getText()).contains("app");
        shot("pair");

        // a command the rules refuse: the reason is shown
        button("start", prim).click();
        within(10).until(d -> d.findElement(By.id("confirm")).isDisplayed());
        browser.findElement(By.id("confirm-ok")).click();
        within(30).until(d -> outcome("start") != null && "refused".equals(outcome("start").getAttribute("data-status")));
        within(10).until(d -> outcome("start").getText().contains("start applies to a stopped node"));

        // swap, behind a confirmation that says what it does
        button("swap", prim).click();
        within(10).until(d -> d.findElement(By.id("confirm")).isDisplayed());
        assertThat(browser.findElement(By.id("confirm-title")).getText()).isEqualTo("Swap on " + prim.id() + "?");
        assertThat(browser.findElement(By.id("confirm-text")).getText()).contains("swap the roles of the two nodes",
                prim.id() + " is PRIM now");
        shot("swap-confirmation");
        browser.findElement(By.id("confirm-ok")).click();
        within(60).until(d -> outcome("swap") != null && !List.of("asking", "running")
                .contains(outcome("swap").getAttribute("data-status")));
        String swapped = outcome("swap").getText();
        assertThat(swapped).contains(prim.id() + " swap: done");
        // the states change on the page, live
        within(90).until(d -> "SECOND".equals(state("node-local")) && "PRIM".equals(state("node-peer")));
        shot("after-swap");
        ClusterAwait.await(cluster, "the swapped pair", Duration.ofSeconds(60), 100,
                () -> cluster.state(second).equals("PRIM uptodate") && cluster.state(prim).equals("SECOND uptodate"));

        // the commands log names the door and the user; its search keeps only matching lines
        new Select(browser.findElement(By.id("log-name"))).selectByValue("commands");
        within(20).until(d -> d.findElement(By.id("log-lines")).getText().contains("web console by admin"));
        browser.findElement(By.id("log-q")).sendKeys("swap");
        within(20).until(d -> {
            List<WebElement> lines = d.findElements(By.cssSelector("#log-lines li"));
            return !lines.isEmpty() && lines.stream().allMatch(l -> l.getText().toLowerCase().contains("swap"));
        });
        // the peer's logs, through this node
        new Select(browser.findElement(By.id("log-node"))).selectByValue("peer");
        WebElement search = browser.findElement(By.id("log-q"));
        search.clear();
        search.sendKeys("takes over");
        within(20).until(d -> {
            List<WebElement> lines = d.findElements(By.cssSelector("#log-lines li"));
            return !lines.isEmpty() && lines.stream().allMatch(l -> l.getText().contains(second.id())
                    && l.getText().contains("takes over"));
        });
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("document.getElementById('logs').scrollIntoView()");
        shot("logs");

        browser.findElement(By.id("logout")).click();
        within(20).until(d -> d.findElement(By.id("login-form")).isDisplayed());
    }
}
