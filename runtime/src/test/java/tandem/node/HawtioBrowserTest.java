package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tandem.config.ConfigLoader;
import tandem.config.PasswordHash;

/**
 * Hawtio served by the node, in headless Chromium (as ConsoleBrowserTest runs the console): its login page,
 * the console's password, then Hawtio's page with the Camel plugin (the node's context is found: the page is
 * not empty, which another Jolokia on the class path would make it) and the node's MBean in the JMX tree.
 * Screenshots in target/hawtio-screenshots.
 */
class HawtioBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target", "hawtio-screenshots");
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path dir;
    private NodeRuntime node;
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
        if (node != null) {
            node.shutdown(10_000);
        }
    }


    private WebDriverWait within(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private void shot(String name) throws Exception {
        Files.createDirectories(SHOTS);
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void logInAndSeeTheNodesCamelContextAndMBean() throws Exception {
        Files.writeString(dir.resolve("cluster.secret"), "hawtio-browser-secret-0123456789ab\n");
        int hawtioPort = ClusterAwait.freePort();
        int consolePort = ClusterAwait.freePort();
        Path config = dir.resolve("solo.yaml");
        Files.writeString(config, """
                node: {id: solo, profile: ms-failover, state-dir: state}
                cluster: {name: test, secret: "${file:cluster.secret}"}
                listen: {address: 127.0.0.1, port: %d}
                peer: {id: other, address: 127.0.0.1, port: %d}
                timings: {heartbeat-interval: 100ms, check-interval: 100ms, failover-timeout: 1s, rise: 2, fall: 2}
                console: {address: 127.0.0.1, port: %d, hawtio-port: %d, password-hash: "%s"}
                replication: {port: %d, peer-port: %d}
                """.formatted(ClusterAwait.freePort(), ClusterAwait.freePort(), consolePort, hawtioPort,
                PasswordHash.create(PASSWORD.toCharArray()).text(), ClusterAwait.freePort(), ClusterAwait.freePort()));
        node = NodeRuntime.start(ClusterAwait.home(), ConfigLoader.load(config));
        ClusterAwait.until("ALONE", Duration.ofSeconds(20), () -> node.loop().status().state().name().equals("ALONE"));

        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + dir.resolve("chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().withLogFile(dir.resolve("chromedriver.log").toFile()).build();
        browser = new ChromeDriver(service, o);

        // from the console: logged in there, its header links to the node's Hawtio
        browser.get("http://127.0.0.1:" + consolePort + "/");
        within(20).until(d -> d.findElement(By.id("login-form")).isDisplayed());
        browser.findElement(By.id("login-password")).sendKeys(PASSWORD);
        browser.findElement(By.id("login-submit")).click();
        within(20).until(d -> d.findElement(By.id("hawtio")).isDisplayed());
        String link = browser.findElement(By.id("hawtio")).getAttribute("href");
        assertThat(link).isEqualTo("http://127.0.0.1:" + hawtioPort + "/hawtio/");
        browser.get(link);
        within(60).until(d -> !d.findElements(By.cssSelector("input[type=password]")).isEmpty());
        shot("1-login");
        browser.findElement(By.cssSelector("input[name=username], input[type=text]")).sendKeys("admin");
        browser.findElement(By.cssSelector("input[type=password]")).sendKeys(PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();

        // the Camel plugin appears only when Hawtio's Jolokia found a Camel context
        within(60).until(d -> d.findElement(By.tagName("body")).getText().contains("Camel"));
        shot("2-after-login");
        browser.get("http://127.0.0.1:" + hawtioPort + "/hawtio/jmx");
        within(60).until(d -> d.findElement(By.tagName("body")).getText().contains("tandem"));
        shot("3-jmx");
        browser.get("http://127.0.0.1:" + hawtioPort + "/hawtio/camel/contexts");
        within(60).until(d -> d.findElement(By.tagName("body")).getText().contains("tandem-solo"));
        shot("4-camel");
        assertThat(browser.findElement(By.tagName("body")).getText()).contains("tandem-solo");
    }
}
