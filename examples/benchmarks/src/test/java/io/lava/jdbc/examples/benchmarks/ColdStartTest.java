package io.lava.jdbc.examples.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ColdStartTest {
    private static final List<String> SIX = List.of("5a", "5b", "5c", "5d", "5e", "5f");

    @Test
    void eachRoundRunsEveryVariantOnceStartingOnePlaceLater() {
        assertThat(ColdStart.rotation(SIX, 0)).containsExactlyElementsOf(SIX);
        assertThat(ColdStart.rotation(SIX, 1)).containsExactly("5b", "5c", "5d", "5e", "5f", "5a");
        assertThat(ColdStart.rotation(SIX, 5)).containsExactly("5f", "5a", "5b", "5c", "5d", "5e");
        assertThat(ColdStart.rotation(SIX, 6)).containsExactlyElementsOf(SIX);
        for (int round = 0; round < 9; round++) {
            assertThat(ColdStart.rotation(SIX, round)).containsExactlyInAnyOrderElementsOf(SIX);
        }
    }

    @Test
    void overAsManyRoundsAsVariantsEachHoldsEveryPlaceAndFollowsNoVariantAlwaysFirst() {
        for (int place = 0; place < SIX.size(); place++) {
            Set<String> seen = new HashSet<>();
            for (int round = 0; round < SIX.size(); round++) {
                seen.add(ColdStart.rotation(SIX, round).get(place));
            }
            assertThat(seen).as("place %d", place).containsExactlyInAnyOrderElementsOf(SIX);
        }
        List<String> firsts = new ArrayList<>();
        for (int round = 0; round < 9; round++) {
            firsts.add(ColdStart.rotation(SIX, round).get(0));
        }
        assertThat(firsts).containsExactly("5a", "5b", "5c", "5d", "5e", "5f", "5a", "5b", "5c");
    }

    @Test
    void fewerVariantsAfterAFailureStillRotate() {
        assertThat(ColdStart.rotation(List.of("5a", "5e"), 3)).containsExactly("5e", "5a");
        assertThat(ColdStart.rotation(List.of(), 3)).isEmpty();
    }

    @Test
    void peakRssLineOfTheProbeOrTheAgent() {
        assertThat(ColdStartChild.peakKib("VmHWM: 130456 kB")).isEqualTo(130456);
        assertThat(ColdStartChild.peakKib("VmHWM:\t  130456 kB\n")).isEqualTo(130456);
        assertThat(ColdStartChild.peakKib("VmHWM: -")).isEqualTo(-1);
        assertThat(ColdStartChild.peakKib(null)).isEqualTo(-1);
        assertThat(ColdStartChild.peakKib("ok")).isEqualTo(-1);
    }

    @Test
    void medianPeakIgnoresRunsWithoutAValue() {
        ColdStart.Result r = new ColdStart.Result(null, new long[] {3, 1, 2}, new long[] {-1, 100, 300}, null, null,
                null);
        assertThat(r.medianNanos()).isEqualTo(2);
        assertThat(r.medianPeakKib()).isEqualTo(200);
        assertThat(new ColdStart.Result(null, new long[] {1}, new long[] {-1}, null, null, null).medianPeakKib())
                .isEqualTo(-1);
    }
}
