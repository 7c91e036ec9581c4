package tandem.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * The logs of a running node (GEN-5), under {@code <state-dir>/logs/}: {@code tandem.log}, the module
 * log (everything Tandem says), {@code commands.log} (operator commands and every decision with its
 * rule), and {@code app/<service>.log}, the application log of each service Tandem starts itself.
 * The console gets the module log too, for a service manager's journal.
 */
public final class LogSetup {
    private LogSetup() {
    }

    public static Path configure(Path stateDir) {
        Path dir = stateDir.resolve("logs");
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.detachAndStopAllAppenders();
        root.addAppender(console(ctx));
        root.addAppender(file(ctx, dir, "tandem"));
        Logger commands = ctx.getLogger("tandem.commands");
        commands.setLevel(Level.INFO);
        commands.addAppender(file(ctx, dir, "commands"));
        // the engine's one sentence per decision goes to the commands log as well as the module log
        Logger decisions = ctx.getLogger("tandem.decisions");
        decisions.setLevel(Level.INFO);
        decisions.addAppender(file(ctx, dir, "commands"));
        for (String noisy : new String[] {"org.drools", "org.kie", "org.apache.camel", "io.netty"}) {
            ctx.getLogger(noisy).setLevel(Level.WARN);
        }
        ctx.getLogger("org.apache.camel.impl.engine.AbstractCamelContext").setLevel(Level.INFO);
        return dir;
    }

    private static ConsoleAppender<ILoggingEvent> console(LoggerContext ctx) {
        ConsoleAppender<ILoggingEvent> a = new ConsoleAppender<>();
        a.setContext(ctx);
        a.setName("console");
        a.setEncoder(encoder(ctx));
        a.start();
        return a;
    }

    private static final java.util.Map<String, RollingFileAppender<ILoggingEvent>> FILES = new java.util.HashMap<>();

    private static synchronized RollingFileAppender<ILoggingEvent> file(LoggerContext ctx, Path dir, String name) {
        return FILES.computeIfAbsent(dir.resolve(name).toString(), k -> {
            RollingFileAppender<ILoggingEvent> a = new RollingFileAppender<>();
            a.setContext(ctx);
            a.setName(name);
            a.setFile(dir.resolve(name + ".log").toString());
            SizeAndTimeBasedRollingPolicy<ILoggingEvent> p = new SizeAndTimeBasedRollingPolicy<>();
            p.setContext(ctx);
            p.setParent(a);
            p.setFileNamePattern(dir.resolve(name + ".%d{yyyy-MM-dd}.%i.log.gz").toString());
            p.setMaxFileSize(FileSize.valueOf("20MB"));
            p.setMaxHistory(14);
            p.setTotalSizeCap(FileSize.valueOf("500MB"));
            p.start();
            a.setRollingPolicy(p);
            a.setEncoder(encoder(ctx));
            a.start();
            return a;
        });
    }

    private static PatternLayoutEncoder encoder(LoggerContext ctx) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(ctx);
        e.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{24} - %msg%n");
        e.start();
        return e;
    }
}
