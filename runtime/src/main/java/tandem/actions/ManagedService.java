package tandem.actions;

import java.time.Duration;

/**
 * An application service only Tandem starts and stops (MS-1). Implementations: {@link SystemdService},
 * {@link WindowsService}, {@link CommandService} and {@link ProcessService}.
 *
 * <p>Every method blocks until it is done or its bound has passed, and none decides anything: which
 * services run where is the rules' business. Methods that act throw {@link ActionException} with a
 * sentence naming the service and the reason; they never return half done without saying so.
 */
public interface ManagedService {

    /** The service's name from the config ({@code services[].name}). */
    String name();

    /**
     * How messages name it: the config name and, where the OS knows it by another name, that name,
     * e.g. {@code management (app-management.service)}.
     */
    default String describe() {
        return name();
    }

    /**
     * Starts the service and returns once it runs. Starting a service that already runs is not an
     * error and does nothing.
     *
     * @param timeout how long the start may take
     * @throws ActionException it does not exist, refused to start, stopped again at once, or was not
     *                         running after {@code timeout}; the message names the service and says why
     */
    void start(Duration timeout) throws ActionException;

    /**
     * Stops the service and returns once it is stopped: asks it to stop, waits up to {@code timeout},
     * then kills it. Stopping a stopped service is not an error and does nothing.
     *
     * @param timeout how long the service gets to stop by itself before it is killed
     * @throws ActionException it does not exist, or it was still running even after the kill
     */
    void stop(Duration timeout) throws ActionException;

    /** Whether it runs now; false when that cannot be found out. Never throws. */
    boolean running();

    /**
     * The service's own start mode as the OS has it.
     *
     * @throws ActionException the service does not exist or the OS cannot be asked
     */
    StartMode startMode() throws ActionException;

    /**
     * Sets the service's own start mode to manual, so only Tandem starts it (MS-1, SBS-10). A service
     * an operator disabled stays disabled: disabling it is how the manual's functional test forces a
     * failover (MS-13), so Tandem never enables what was disabled.
     *
     * @throws ActionException the OS refused (no such service, not allowed)
     */
    void setManualStartMode() throws ActionException;
}
