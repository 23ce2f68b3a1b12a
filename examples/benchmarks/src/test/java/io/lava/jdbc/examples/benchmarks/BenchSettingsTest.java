package io.lava.jdbc.examples.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BenchSettingsTest {

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void defaults() {
        BenchSettings s = BenchSettings.from(props());
        assertThat(s).isEqualTo(new BenchSettings(false, 4, 6, 2000, 64, 50, 9, 180, 16, 30, 20, 1, 3,
                false, java.util.Set.of()));
        assertThat(s.describeJmh("1.37")).isEqualTo("JMH 1.37: 1 fork, 4x2 s warmup, 6x2 s measurement");
    }

    @Test
    void quickIsAShortSmokeRun() {
        BenchSettings s = BenchSettings.from(props("bench.quick", "true"));
        assertThat(s).isEqualTo(new BenchSettings(true, 1, 2, 500, 16, 10, 2, 20, 8, 30, 10, 1, 1,
                false, java.util.Set.of()));
        assertThat(s.describeJmh("1.37"))
                .isEqualTo("JMH 1.37: 1 fork, 1x0.5 s warmup, 2x0.5 s measurement (bench.quick)");
        assertThat(BenchSettings.from(props("bench.quick", "")).quick()).as("-Dbench.quick alone").isTrue();
    }

    @Test
    void eachKnobCanBeSetOnItsOwn() {
        BenchSettings s = BenchSettings.from(props("bench.quick", "true", "bench.stormThreads", "64",
                "bench.coldStartRuns", " 7 ", "bench.policyRounds", "5"));
        assertThat(s.policyRounds()).isEqualTo(5);
        assertThat(BenchSettings.from(props("bench.policySameUrl", "true")).policySameUrl()).isTrue();
        assertThat(s.stormThreads()).isEqualTo(64);
        assertThat(s.coldStartRuns()).isEqualTo(7);
        assertThat(s.stormConnects()).isEqualTo(10);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "bench.quick, yes, 'bench.quick=''yes'' is not true or false'",
        "bench.stormThreads, 0, 'bench.stormThreads=''0'' is not a whole number from 1 to 150 (default 64)'",
        "bench.iterationMillis, 1.5, 'bench.iterationMillis=''1.5'' is not a whole number from 100 to 60000'",
        "bench.measurementIterations, many, 'bench.measurementIterations=''many'' is not a whole number'"})
    void badValuesNameTheProperty(String name, String value, String message) {
        assertThatThrownBy(() -> BenchSettings.from(props(name, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
