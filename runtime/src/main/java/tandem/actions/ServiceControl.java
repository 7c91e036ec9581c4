package tandem.actions;

/**
 * Port to the Windows service control manager (SCM), kept to the calls {@link WindowsService} needs
 * so the logic above it is testable anywhere; {@link JnaServiceControl} is the real one. No method
 * waits: the SCM answers requests at once and the caller polls {@link #status}.
 */
interface ServiceControl {

    // dwCurrentState values (winsvc.h)
    int STOPPED = 1;
    int START_PENDING = 2;
    int STOP_PENDING = 3;
    int RUNNING = 4;
    int CONTINUE_PENDING = 5;
    int PAUSE_PENDING = 6;
    int PAUSED = 7;

    // dwStartType values (winnt.h)
    int BOOT_START = 0;
    int SYSTEM_START = 1;
    int AUTO_START = 2;
    int DEMAND_START = 3;
    int DISABLED = 4;

    // Win32 error codes the SCM answers with (winerror.h)
    int ERROR_ACCESS_DENIED = 5;
    int ERROR_SERVICE_REQUEST_TIMEOUT = 1053;
    int ERROR_SERVICE_ALREADY_RUNNING = 1056;
    int ERROR_SERVICE_DISABLED = 1058;
    int ERROR_SERVICE_DOES_NOT_EXIST = 1060;
    int ERROR_SERVICE_CANNOT_ACCEPT_CTRL = 1061;
    int ERROR_SERVICE_NOT_ACTIVE = 1062;
    int ERROR_SERVICE_DEPENDENCY_FAIL = 1068;
    int ERROR_SERVICE_LOGON_FAILED = 1069;
    int ERROR_SERVICE_MARKED_FOR_DELETE = 1072;

    /**
     * @param state      one of {@link #STOPPED} .. {@link #PAUSED}
     * @param pid        its process id, 0 when it has none
     * @param ownProcess the process runs this service only ({@code SERVICE_WIN32_OWN_PROCESS}); a
     *                   shared one (svchost) must never be killed
     * @param exitCode   {@code dwWin32ExitCode}, 0 or the reason it stopped
     */
    record Status(int state, long pid, boolean ownProcess, int exitCode) {
    }

    /** Its current status. */
    Status status(String service) throws ActionException;

    /** Asks the SCM to start it and returns; already running is not an error. */
    void start(String service) throws ActionException;

    /** Sends it the stop control and returns; not running is not an error. */
    void stop(String service) throws ActionException;

    /** Its start type, {@link #BOOT_START} .. {@link #DISABLED}. */
    int startType(String service) throws ActionException;

    /** Changes its start type ({@code ChangeServiceConfig}). */
    void setStartType(String service, int startType) throws ActionException;

    /** Kills the process with id {@code pid} ({@code TerminateProcess}). */
    void kill(long pid);

    /** The sentence for a failed SCM call; {@code systemText} is Windows' own text for the code, if known. */
    static String failure(String what, String verb, int code, String systemText) {
        String why = switch (code) {
            case ERROR_SERVICE_DOES_NOT_EXIST -> "service " + what + " does not exist";
            case ERROR_ACCESS_DENIED -> "access denied (Tandem must run as an administrator or as LocalSystem)";
            case ERROR_SERVICE_DISABLED -> "it is disabled";
            case ERROR_SERVICE_LOGON_FAILED -> "it could not log on with its account (check the account's password)";
            case ERROR_SERVICE_DEPENDENCY_FAIL -> "a service it depends on did not start";
            case ERROR_SERVICE_REQUEST_TIMEOUT -> "it did not answer the service control manager in time";
            case ERROR_SERVICE_CANNOT_ACCEPT_CTRL -> "it cannot accept that request in its current state";
            case ERROR_SERVICE_MARKED_FOR_DELETE -> "it is marked for deletion";
            default -> "Windows error " + code + (systemText == null || systemText.isBlank() ? ""
                    : " (" + systemText.strip() + ")");
        };
        return "cannot " + verb + " " + what + ": " + why;
    }
}
