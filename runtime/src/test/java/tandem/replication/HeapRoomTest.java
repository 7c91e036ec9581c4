package tandem.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class HeapRoomTest {
    private static final HotSpotDiagnosticMXBean VM = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    private static String flag(String name) {
        return VM.getVMOption(name).getValue();
    }

    @Test
    void theFreeRatiosWidenWhileACycleRunsAndComeBackWhenTheLastEnds() {
        String min = flag("MinHeapFreeRatio");
        String max = flag("MaxHeapFreeRatio");
        try {
            // as bin/tandem starts a node
            VM.setVMOption("MinHeapFreeRatio", "5");
            VM.setVMOption("MaxHeapFreeRatio", "60");

            HeapRoom.Handle one = HeapRoom.widen();
            HeapRoom.Handle two = HeapRoom.widen();
            assertThat(flag("MinHeapFreeRatio")).isEqualTo(String.valueOf(HeapRoom.MIN_FREE));
            assertThat(flag("MaxHeapFreeRatio")).isEqualTo(String.valueOf(HeapRoom.MAX_FREE));

            one.close();
            one.close(); // counts once
            assertThat(flag("MinHeapFreeRatio")).as("another cycle still runs").isEqualTo("40");
            two.close();

            assertThat(flag("MinHeapFreeRatio")).isEqualTo("5");
            assertThat(flag("MaxHeapFreeRatio")).isEqualTo("60");
            assertThat(HeapRoom.open()).isZero();
        } finally {
            VM.setVMOption("MaxHeapFreeRatio", "100");
            VM.setVMOption("MinHeapFreeRatio", min);
            VM.setVMOption("MaxHeapFreeRatio", max);
        }
    }
}
