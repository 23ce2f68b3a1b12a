package io.lava.jdbc.examples.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class JvmCountersTest {

    /** An excerpt of {@code jstat -J-Djstat.showUnsupported=true -snap} on OpenJDK 17. */
    private static final String SNAP = """
            java.ci.totalTime=2093817122
            java.cls.loadedClasses=4184
            java.cls.sharedLoadedClasses=1186
            java.cls.unloadedClasses=0
            java.property.java.vm.name="OpenJDK 64-Bit Server VM"
            sun.ci.osrTime=45000000
            sun.ci.standardTime=1615000000
            sun.cls.classVerifyTime=166000000
            sun.cls.classVerifyTime.self=120000000
            sun.cls.time=931000000
            sun.gc.collector.0.time=30000000
            sun.gc.collector.1.time=4000000
            sun.gc.collector.2.time=999000000
            sun.os.hrt.frequency=1000000000
            sun.os.hrt.ticks=1900000000
            """;

    @Test
    void readsClassesAndTimesInMilliseconds() {
        JvmCounters c = JvmCounters.parse(SNAP);
        assertThat(c.loadedClasses()).isEqualTo(4184);
        assertThat(c.sharedClasses()).isEqualTo(1186);
        assertThat(c.classLoadMillis()).isCloseTo(931, within(1e-9));
        assertThat(c.verifyMillis()).isCloseTo(166, within(1e-9)); // not the ".self" counter
        assertThat(c.jitMillis()).isCloseTo(1660, within(1e-9)); // standard + OSR
        assertThat(c.gcMillis()).isCloseTo(34, within(1e-9)); // collectors 0 and 1 only
        assertThat(c.lifetimeMillis()).isCloseTo(1900, within(1e-9));
    }

    @Test
    void dividesByTheTickFrequency() {
        String microTicks = SNAP.replace("sun.os.hrt.frequency=1000000000", "sun.os.hrt.frequency=1000000")
                .replace("sun.cls.time=931000000", "sun.cls.time=931000");
        assertThat(JvmCounters.parse(microTicks).classLoadMillis()).isCloseTo(931, within(1e-9));
    }

    @Test
    void withoutTheCdsCounterSharedClassesAreZero() {
        assertThat(JvmCounters.parse(SNAP.replace("java.cls.sharedLoadedClasses=1186\n", "")).sharedClasses())
                .isZero();
    }

    @Test
    void aMissingOrNonNumericCounterIsNamed() {
        assertThatThrownBy(() -> JvmCounters.parse(SNAP.replace("sun.ci.osrTime=45000000\n", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no counter sun.ci.osrTime");
        assertThatThrownBy(() -> JvmCounters.parse(SNAP.replace("sun.cls.time=931000000", "sun.cls.time=\"x\"")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sun.cls.time");
        assertThatThrownBy(() -> JvmCounters.parse("Could not attach to file:///nowhere"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("no counter");
    }
}
