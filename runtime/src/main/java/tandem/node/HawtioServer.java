package tandem.node;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BiPredicate;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.config.NodeConfig;
import tandem.TandemException;

/**
 * Hawtio served by the node (GEN-3, {@code console.hawtio-port}): Hawtio 4's war in Jetty 12 (its ee10 web app
 * container) at {@code /hawtio}, on the console's address, with the console's protocol (the same certificate
 * for HTTPS) and the console's login ({@link HawtioLogin}). The war brings its own Jolokia at
 * {@code /hawtio/jolokia}, which reads this JVM's platform MBean server: the node's MBean
 * {@code tandem:type=Node,name=<id>} and camel-management's MBeans of {@code tandem-<id>}.
 *
 * <p>The war is not on the class path (a war is no jar): Maven copies it beside the libraries
 * ({@code runtime/target/lib/hawtio-war-<version>.war}), where it is found from the place this class was
 * loaded from, or the system property {@value #WAR_PROPERTY} names it. Jetty unpacks it into
 * {@code <state-dir>/hawtio/} and reuses that folder at the next start (a fresh temporary folder at every start
 * would leave ~9 MB behind each time).
 *
 * <p>It is off by default: it costs memory and start time (README, "JMX: jconsole and Hawtio").
 */
public final class HawtioServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HawtioServer.class);
    /** The war file, when not beside the libraries (tests, a packaging of one's own). */
    public static final String WAR_PROPERTY = "tandem.hawtio.war";
    /** Hawtio's web app path. */
    public static final String PATH = "/hawtio";

    private final Server server;
    private final WebAppContext app;
    private final String url;

    private HawtioServer(Server server, WebAppContext app, String url) {
        this.server = server;
        this.app = app;
        this.url = url;
    }

    /**
     * Starts Hawtio on {@code console.address}:{@code console.hawtio-port}.
     *
     * @param tls   the console's HTTPS, empty for http
     * @param login the console's login: user and password (as the console checks them)
     */
    public static HawtioServer start(NodeConfig c, Optional<SSLContext> tls, BiPredicate<String, char[]> login) {
        int port = c.console().hawtioPort().orElseThrow(() -> new IllegalStateException("no console.hawtio-port"));
        Path war = war(c);
        Path unpacked = c.node().stateDir().resolve("hawtio");
        try {
            Files.createDirectories(unpacked);
        } catch (IOException e) {
            throw new TandemException(c.file() + ": console.hawtio-port: cannot make " + unpacked
                    + " (where Hawtio's war is unpacked): " + e.getMessage(), e);
        }
        configureHawtio();

        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("tandem-hawtio");
        threads.setDaemon(true);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector;
        if (tls.isPresent()) {
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            // like the console: a host name the certificate does not list is the browser's warning, not a 400
            secure.setSniHostCheck(false);
            http.addCustomizer(secure);
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setSslContext(tls.get());
            connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                    new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        connector.setHost(c.console().address());
        connector.setPort(port);
        server.addConnector(connector);

        WebAppContext app = new WebAppContext();
        app.setContextPath(PATH);
        app.setWar(war.toString());
        app.setTempDirectory(unpacked.toFile());
        app.setTempDirectoryPersistent(true);
        app.setThrowUnavailableOnStartupException(true);
        // the war brings slf4j-api and log4j: its own slf4j would refuse the node's logback ("not a subtype")
        // and print Hawtio's lines to stdout in log4j's format; the node's slf4j sends them to tandem.log
        app.addProtectedClassMatcher(new org.eclipse.jetty.util.ClassMatcher("org.slf4j."));
        server.setHandler(app);
        server.setStopAtShutdown(false);

        String scheme = tls.isPresent() ? "https" : "http";
        String host = c.console().address().contains(":") ? "[" + c.console().address() + "]" : c.console().address();
        HawtioServer hawtio = new HawtioServer(server, app, scheme + "://" + host + ":" + port + PATH + "/");
        try {
            server.start();
            HawtioLogin.register(app.getClassLoader(), login);
        } catch (Exception e) {
            hawtio.close();
            throw new TandemException(c.file() + ": console.hawtio-port: Hawtio cannot start on "
                    + c.console().address() + ":" + port + ": " + e, e);
        }
        return hawtio;
    }

    /** Hawtio reads its settings from system properties; set before its web app starts. */
    private static void configureHawtio() {
        System.setProperty("hawtio.authenticationEnabled", "true");
        System.setProperty("hawtio.realm", HawtioLogin.REALM);
        System.setProperty("hawtio.roles", HawtioLogin.ROLE);
        System.setProperty("hawtio.rolePrincipalClasses", HawtioLogin.RolePrincipal.class.getName());
        // failed logins slow the next ones down (Hawtio's default; said here so that nobody turns it off)
        System.setProperty("hawtio.authenticationThrottled", "true");
        // Hawtio's proxy (/hawtio/proxy/, for connecting to other JVMs' Jolokia) would let a logged-in user
        // make this node send HTTP requests to addresses of its network; the node shows itself only
        System.setProperty("hawtio.disableProxy", "true");
    }

    /**
     * The war: {@value #WAR_PROPERTY}, else {@code hawtio-war-<version>.war} in the {@code lib} folder beside
     * the classes ({@code runtime/target/classes} and {@code runtime/target/lib}) or the jar this class is in.
     */
    static Path war(NodeConfig c) {
        String named = System.getProperty(WAR_PROPERTY);
        String file = "hawtio-war-" + hawtioVersion() + ".war";
        Path war;
        if (named != null && !named.isBlank()) {
            war = Path.of(named);
        } else {
            Path here = codeLocation();
            Path base = Files.isDirectory(here) ? here.getParent() : here.getParent().getParent();
            war = base.resolve("lib").resolve(file);
            if (!Files.isRegularFile(war) && !Files.isDirectory(here)) {
                war = here.getParent().resolve(file);
            }
        }
        if (!Files.isRegularFile(war)) {
            throw new TandemException(c.file() + ": console.hawtio-port is set, but Hawtio's war " + war
                    + " is missing: build the runtime (mvn package in the project folder copies " + file
                    + " into runtime/target/lib), or name the file with -D" + WAR_PROPERTY + "=PATH");
        }
        return war;
    }

    private static Path codeLocation() {
        try {
            return Path.of(HawtioServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Hawtio version the build copied (runtime/pom.xml fills it into tandem/version.properties). */
    static String hawtioVersion() {
        Properties p = new Properties();
        try (InputStream in = HawtioServer.class.getResourceAsStream("/tandem/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read tandem/version.properties: " + e.getMessage(), e);
        }
        String v = p.getProperty("hawtio");
        if (v == null || v.isBlank() || v.startsWith("${")) {
            throw new IllegalStateException("tandem/version.properties has no hawtio version: build the runtime"
                    + " with Maven (it fills it in from runtime/pom.xml)");
        }
        return v;
    }

    /** Where Hawtio answers, e.g. {@code https://10.0.0.1:9011/hawtio/}. */
    public String url() {
        return url;
    }

    @Override
    public void close() {
        if (app.getClassLoader() != null) {
            HawtioLogin.unregister(app.getClassLoader());
        }
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("Hawtio: cannot stop: {}", e.toString());
        }
    }
}
