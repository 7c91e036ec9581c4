package tandem.node;

import java.io.IOException;
import java.security.Principal;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;

/**
 * Hawtio's login (GEN-3): the console's user and password ({@code console.user}, {@code console.password-hash}).
 * Hawtio logs in through JAAS only ({@code hawtio.realm} names a JAAS configuration entry); Jetty's own
 * {@code PropertyFileLoginModule} works only inside Jetty's login service, and a file of passwords would be a
 * second place for the console's password, so the node brings this module and a JAAS {@link Configuration}
 * that knows the realm {@value #REALM} and hands every other name to the configuration that was there before
 * (a JAAS user elsewhere in the JVM, e.g. a JMX connector, keeps working).
 *
 * <p>A successful login carries a {@link UserPrincipal} (its simple class name is one Hawtio takes the user
 * name from) and a {@link RolePrincipal} with the role {@value #ROLE}, the class Hawtio is told to look for in
 * {@code hawtio.rolePrincipalClasses}. Failed logins are throttled by Hawtio ({@code hawtio.authenticationThrottled},
 * on by default), not here.
 *
 * <p>LoginContext makes the module by its class name, so the check it asks is found in a registry: by the
 * web app's class loader, which is the thread's context class loader while Jetty serves the app's request
 * (two nodes in one JVM, as in the tests, each check their own console's password).
 */
public final class HawtioLogin implements LoginModule {
    /** The JAAS realm, {@code hawtio.realm}. */
    public static final String REALM = "tandem";
    /** The role every console user has, {@code hawtio.roles}. */
    public static final String ROLE = "admin";

    private static final Map<ClassLoader, BiPredicate<String, char[]>> CHECKS = new ConcurrentHashMap<>();
    private static Configuration installed;

    private Subject subject;
    private CallbackHandler callbacks;
    private Principal user;
    private Principal role;

    /**
     * Hawtio's web app {@code app} (its class loader) logs in with {@code check} (user, password); installs
     * the JAAS configuration of {@value #REALM} at the first call.
     */
    static synchronized void register(ClassLoader app, BiPredicate<String, char[]> check) {
        CHECKS.put(Objects.requireNonNull(app, "app"), Objects.requireNonNull(check, "check"));
        if (installed == null) {
            installed = new Realm(current());
            Configuration.setConfiguration(installed);
        }
    }

    /** The web app stopped; the last one puts the earlier JAAS configuration back (when still ours). */
    static synchronized void unregister(ClassLoader app) {
        CHECKS.remove(app);
        if (CHECKS.isEmpty() && installed != null) {
            if (current() == installed) {
                Configuration.setConfiguration(((Realm) installed).previous);
            }
            installed = null;
        }
    }

    private static Configuration current() {
        try {
            return Configuration.getConfiguration();
        } catch (SecurityException e) {
            // no JAAS configuration at all (e.g. java.security.auth.login.config names a missing file)
            return null;
        }
    }

    /** JAAS's view: {@value #REALM} is this module; any other name is the previous configuration's. */
    private static final class Realm extends Configuration {
        private static final AppConfigurationEntry[] ENTRY = {new AppConfigurationEntry(HawtioLogin.class.getName(),
                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.of())};
        private final Configuration previous;

        Realm(Configuration previous) {
            this.previous = previous;
        }

        @Override
        public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            if (REALM.equals(name)) {
                return ENTRY.clone();
            }
            return previous == null ? null : previous.getAppConfigurationEntry(name);
        }

        @Override
        public void refresh() {
            if (previous != null) {
                previous.refresh();
            }
        }
    }

    @Override
    public void initialize(Subject subject, CallbackHandler callbackHandler, Map<String, ?> sharedState,
            Map<String, ?> options) {
        this.subject = subject;
        this.callbacks = callbackHandler;
    }

    @Override
    public boolean login() throws LoginException {
        BiPredicate<String, char[]> check = check();
        NameCallback name = new NameCallback("user");
        PasswordCallback password = new PasswordCallback("password", false);
        try {
            callbacks.handle(new Callback[] {name, password});
        } catch (IOException | UnsupportedCallbackException e) {
            throw new LoginException("cannot ask for the user and password: " + e);
        }
        char[] given = password.getPassword();
        try {
            if (name.getName() == null || given == null || !check.test(name.getName(), given)) {
                throw new FailedLoginException("wrong user or password");
            }
        } finally {
            password.clearPassword();
            if (given != null) {
                java.util.Arrays.fill(given, '\0');
            }
        }
        user = new UserPrincipal(name.getName());
        role = new RolePrincipal(ROLE);
        return true;
    }

    /** The check of the web app being served; the only one when the thread has no web app's loader. */
    private static BiPredicate<String, char[]> check() throws LoginException {
        BiPredicate<String, char[]> check = CHECKS.get(Thread.currentThread().getContextClassLoader());
        if (check == null && CHECKS.size() == 1) {
            check = CHECKS.values().iterator().next();
        }
        if (check == null) {
            throw new LoginException("the JAAS realm " + REALM + " is the node's Hawtio login, and no Hawtio of"
                    + " this node runs on this thread");
        }
        return check;
    }

    @Override
    public boolean commit() {
        if (user == null) {
            return false;
        }
        Set<Principal> principals = subject.getPrincipals();
        principals.add(user);
        principals.add(role);
        return true;
    }

    @Override
    public boolean abort() {
        user = null;
        role = null;
        return true;
    }

    @Override
    public boolean logout() {
        if (subject != null && user != null) {
            subject.getPrincipals().remove(user);
            subject.getPrincipals().remove(role);
        }
        user = null;
        role = null;
        return true;
    }

    /** The logged-in user; Hawtio takes the user name from a principal whose simple class name is this. */
    public record UserPrincipal(String name) implements Principal {
        @Override
        public String getName() {
            return name;
        }
    }

    /** A role; {@code hawtio.rolePrincipalClasses} names this class, {@code hawtio.roles} the role. */
    public record RolePrincipal(String name) implements Principal {
        @Override
        public String getName() {
            return name;
        }
    }
}
