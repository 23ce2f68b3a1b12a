package io.lava.jdbc.examples.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The floor line under row 5: lava-pg (5a) paired round by round with the same AWS calls made without it (5g). */
class ColdStartReportTest {
    private static ColdStart.Result result(String id, long[] millis, String failure) {
        long[] nanos = new long[millis.length];
        for (int i = 0; i < millis.length; i++) {
            nanos[i] = millis[i] * 1_000_000L;
        }
        ColdStartVariant v = new ColdStartVariant(id, id, List.of(), List.of(), Map.of(), true, "jars");
        return new ColdStart.Result(v, nanos, new long[] {-1}, null, "n/a", failure);
    }

    @Test
    void theFloorLineGivesTheMedianOfThePerRoundRatiosAndBothMedians() {
        String line = ColdStartReport.floorLine(result("5a", new long[] {1100, 1200, 1300}, null),
                result("5g", new long[] {1000, 1000, 1300}, null));

        assertThat(line).startsWith("floor: 5a lava-pg / 5g").contains("= 1.100", "medians 1200.0 ms vs 1000.0 ms");
    }

    @Test
    void aFailedSideLeavesTheFloorUnknown() {
        assertThat(ColdStartReport.floorLine(result("5a", new long[] {1100}, null),
                result("5g", new long[] {1000}, "exit 1"))).isEqualTo("floor: n/a");
    }
}
