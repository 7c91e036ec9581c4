package tandem.transfer;

import java.io.PrintStream;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The logging of an upload's JVM ({@link OwnJvm}): warnings and errors, one line each, on standard
 * error, which the node relays into its own log; nothing else. Chosen with
 * {@code -Dslf4j.provider=tandem.transfer.StderrWarnings}: logback's start-up (reading its XML
 * configuration) took about 0.9 s of CPU in a fresh JVM, a tenth of a 1 GiB upload's.
 */
public final class StderrWarnings implements SLF4JServiceProvider {
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();
    private final ILoggerFactory loggers = WarningLogger::new;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up
    }

    private static final class WarningLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;

        WarningLogger(String name) {
            this.name = name;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return false;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                Throwable t) {
            String msg = MessageFormatter.basicArrayFormat(pattern, args);
            PrintStream err = System.err;
            synchronized (err) {
                err.println(level + " " + name + " - " + msg + (t != null ? ": " + t : ""));
            }
        }
    }
}
