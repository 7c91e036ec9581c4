package tandem.actions;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.Kernel32Util;
import com.sun.jna.platform.win32.Winsvc;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.win32.StdCallLibrary;
import com.sun.jna.win32.W32APIOptions;

/**
 * {@link ServiceControl} over JNA ({@code jna-platform}'s Advapi32, plus the two calls it does not
 * map). Every call opens the SCM and the service with just the access it needs and closes both
 * again. Loads native code on first use, so it is only ever touched on Windows.
 */
final class JnaServiceControl implements ServiceControl {

    static final JnaServiceControl INSTANCE = new JnaServiceControl();

    /** SC_STATUS_PROCESS_INFO, the only info level of QueryServiceStatusEx. */
    private static final int SC_STATUS_PROCESS_INFO = 0;
    private static final int SERVICE_NO_CHANGE = 0xffffffff;
    private static final int SERVICE_WIN32_OWN_PROCESS = 0x10;
    /** QUERY_SERVICE_CONFIG can be at most 8 KiB (QueryServiceConfig documentation). */
    private static final int CONFIG_BUFFER = 8192;
    /** Offset of dwStartType in QUERY_SERVICE_CONFIG: after the DWORD dwServiceType. */
    private static final int START_TYPE_OFFSET = 4;

    /** The Advapi32 calls jna-platform does not declare. */
    interface Advapi32Extra extends StdCallLibrary {
        Advapi32Extra INSTANCE = Native.load("Advapi32", Advapi32Extra.class, W32APIOptions.DEFAULT_OPTIONS);

        boolean ChangeServiceConfig(Winsvc.SC_HANDLE service, int serviceType, int startType, int errorControl,
                String binaryPathName, String loadOrderGroup, IntByReference tagId, String dependencies,
                String serviceStartName, String password, String displayName);

        boolean QueryServiceConfig(Winsvc.SC_HANDLE service, Pointer config, int bufSize, IntByReference bytesNeeded);
    }

    private JnaServiceControl() {
    }

    @Override
    public Status status(String service) {
        return call(service, Winsvc.SERVICE_QUERY_STATUS, "query", h -> {
            Winsvc.SERVICE_STATUS_PROCESS s = new Winsvc.SERVICE_STATUS_PROCESS();
            IntByReference needed = new IntByReference();
            check(Advapi32.INSTANCE.QueryServiceStatusEx(h, SC_STATUS_PROCESS_INFO, s, s.size(), needed),
                    service, "query");
            return new Status(s.dwCurrentState, Integer.toUnsignedLong(s.dwProcessId),
                    (s.dwServiceType & SERVICE_WIN32_OWN_PROCESS) != 0, s.dwWin32ExitCode);
        });
    }

    @Override
    public void start(String service) {
        call(service, Winsvc.SERVICE_START, "start", h -> {
            if (!Advapi32.INSTANCE.StartService(h, 0, null)) {
                int code = Kernel32.INSTANCE.GetLastError();
                if (code != ERROR_SERVICE_ALREADY_RUNNING) {
                    throw error(service, "start", code);
                }
            }
            return null;
        });
    }

    @Override
    public void stop(String service) {
        call(service, Winsvc.SERVICE_STOP, "stop", h -> {
            if (!Advapi32.INSTANCE.ControlService(h, Winsvc.SERVICE_CONTROL_STOP, new Winsvc.SERVICE_STATUS())) {
                int code = Kernel32.INSTANCE.GetLastError();
                if (code != ERROR_SERVICE_NOT_ACTIVE) {
                    throw error(service, "stop", code);
                }
            }
            return null;
        });
    }

    @Override
    public int startType(String service) {
        return call(service, Winsvc.SERVICE_QUERY_CONFIG, "read the start mode of", h -> {
            try (Memory buf = new Memory(CONFIG_BUFFER)) {
                check(Advapi32Extra.INSTANCE.QueryServiceConfig(h, buf, CONFIG_BUFFER, new IntByReference()),
                        service, "read the start mode of");
                return buf.getInt(START_TYPE_OFFSET);
            }
        });
    }

    @Override
    public void setStartType(String service, int startType) {
        call(service, Winsvc.SERVICE_CHANGE_CONFIG, "set the start mode of", h -> {
            check(Advapi32Extra.INSTANCE.ChangeServiceConfig(h, SERVICE_NO_CHANGE, startType, SERVICE_NO_CHANGE,
                    null, null, null, null, null, null, null), service, "set the start mode of");
            return null;
        });
    }

    @Override
    public void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    private interface Call<T> {
        T on(Winsvc.SC_HANDLE service);
    }

    private static <T> T call(String service, int access, String verb, Call<T> call) {
        Winsvc.SC_HANDLE scm = Advapi32.INSTANCE.OpenSCManager(null, null, Winsvc.SC_MANAGER_CONNECT);
        if (scm == null) {
            throw error(service, verb, Kernel32.INSTANCE.GetLastError());
        }
        try {
            Winsvc.SC_HANDLE h = Advapi32.INSTANCE.OpenService(scm, service, access);
            if (h == null) {
                throw error(service, verb, Kernel32.INSTANCE.GetLastError());
            }
            try {
                return call.on(h);
            } finally {
                Advapi32.INSTANCE.CloseServiceHandle(h);
            }
        } finally {
            Advapi32.INSTANCE.CloseServiceHandle(scm);
        }
    }

    private static void check(boolean ok, String service, String verb) {
        if (!ok) {
            throw error(service, verb, Kernel32.INSTANCE.GetLastError());
        }
    }

    private static ActionException error(String service, String verb, int code) {
        String text;
        try {
            text = Kernel32Util.formatMessage(code);
        } catch (LastErrorException e) {
            text = null; // no text for this code: the number alone still identifies it
        }
        return new ActionException(ServiceControl.failure(service, verb, code, text));
    }
}
