package io.lava.jdbc.examples.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.examples.benchmarks.ColdStartGoal.Candidate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ColdStartGoalTest {
    private static final long WRAPPER = 900_000_000L;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "all within,               1.30, 850, 24.0, true",
            "ratio exactly at bound,   1.45, 850, 24.0, true",
            "ratio above,              1.46, 850, 24.0, false",
            "as slow as the wrapper,   1.30, 900, 24.0, false",
            "RSS exactly at bound,     1.30, 850, 30.0, true",
            "RSS above,                1.30, 850, 30.1, false",
            "ratio unknown,            NaN,  850, 24.0, false",
            "RSS unknown,              1.30, 850, NaN,  false",
            "time unknown,             1.30,  -1, 24.0, false"})
    void eachPartDecides(String name, double ratio, long millis, double extraMib, boolean met) {
        Candidate c = new Candidate("5a", ratio, millis < 0 ? -1 : millis * 1_000_000L, extraMib);
        assertThat(ColdStartGoal.met(c, WRAPPER)).isEqualTo(met);
        assertThat(ColdStartGoal.cell(c, WRAPPER)).endsWith(met ? ": met" : ": missed");
    }

    @Test
    void withoutAWrapperTimeTheGoalIsNotMet() {
        assertThat(ColdStartGoal.met(new Candidate("5a", 1.1, 500_000_000L, 5), -1)).isFalse();
    }

    @Test
    void theLineIsMetOnlyWhenEveryCandidateIsAndNamesEachPart() {
        Candidate a = new Candidate("5a", 1.30, 850_000_000L, 24.0);
        Candidate b = new Candidate("5b", 1.40, 880_000_000L, 12.5);
        Candidate f = new Candidate("5f", 1.62, 1_050_000_000L, 31.0);
        assertThat(ColdStartGoal.line(List.of(a, b), WRAPPER)).isEqualTo(
                "goal: lava-pg <= 1.45x pgjdbc alone and below the AWS wrapper, peak RSS <= +30 MiB: met "
                        + "(5a 1.30x ok, 850 ms vs wrapper 900 ms ok, +24.0 MiB ok; "
                        + "5b 1.40x ok, 880 ms vs wrapper 900 ms ok, +12.5 MiB ok)");
        assertThat(ColdStartGoal.line(List.of(a, b, f), WRAPPER))
                .startsWith("goal: " + ColdStartGoal.GOAL + ": not met (")
                .endsWith("; 5f 1.62x MISSED, 1050 ms vs wrapper 900 ms MISSED, +31.0 MiB MISSED)");
    }

    @Test
    void aCandidateThatDidNotRunIsNotMetAndSaysNa() {
        Candidate failed = new Candidate("5b", Double.NaN, -1, Double.NaN);
        assertThat(ColdStartGoal.line(List.of(failed), -1)).endsWith(
                ": not met (5b ratio n/a MISSED, time n/a vs wrapper n/a MISSED, RSS n/a MISSED)");
        assertThat(ColdStartGoal.line(List.of(), WRAPPER)).contains(": not met (");
    }
}
