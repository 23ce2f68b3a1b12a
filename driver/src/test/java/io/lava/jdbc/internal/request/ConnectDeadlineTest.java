package io.lava.jdbc.internal.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.SourceException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The deadline arithmetic of one connect, on a clock the test advances. */
class ConnectDeadlineTest {
    private static final CallTimeouts CALLS = new CallTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(3));

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    @Test
    void eachCallGetsAtMostWhatIsLeft() {
        ConnectDeadline deadline = ConnectDeadline.start(clock::get, Duration.ofSeconds(10));
        assertThat(deadline.cap(CALLS, "x")).isEqualTo(new CallTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(3)));
        advance(Duration.ofMillis(8_500));
        assertThat(deadline.cap(CALLS, "x"))
                .isEqualTo(new CallTimeouts(Duration.ofMillis(1_500), Duration.ofMillis(1_500)));
        assertThat(deadline.remaining()).isEqualTo(Duration.ofMillis(1_500));
        assertThat(deadline.passed()).isFalse();
    }

    @Test
    void aLongerDeadlineLeavesTheCallLimitsAsTheyAre() {
        ConnectDeadline deadline = ConnectDeadline.start(clock::get, Duration.ofSeconds(120));
        advance(Duration.ofSeconds(30));
        assertThat(deadline.cap(CALLS, "x")).isSameAs(CALLS);
    }

    @Test
    void oncePassedEveryStepFailsAt08001NamingLoginTimeout() {
        ConnectDeadline deadline = ConnectDeadline.start(clock::get, Duration.ofSeconds(5));
        advance(Duration.ofSeconds(5));
        assertThat(deadline.passed()).isTrue();
        assertThat(deadline.remaining()).isZero();
        assertThatThrownBy(() -> deadline.cap(CALLS, "reading the record"))
                .isInstanceOfSatisfying(SourceException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo("08001");
                    assertThat(e).hasMessageContaining("loginTimeout (5 s) ran out before reading the record")
                            .hasMessageContaining("Raise loginTimeout");
                });
        assertThatThrownBy(() -> deadline.check("x")).isInstanceOf(SourceException.class);
    }

    @Test
    void startedAtCountsFromTheConnectsStart() {
        long start = clock.get();
        advance(Duration.ofSeconds(2));
        ConnectDeadline deadline = ConnectDeadline.startedAt(clock::get, start, Duration.ofMillis(2_500));
        assertThat(deadline.remaining()).isEqualTo(Duration.ofMillis(500));
        assertThat(deadline.expired("x", null)).hasMessageContaining("loginTimeout (2.5 s)");
    }

    @Test
    void withoutLoginTimeoutThereIsNoDeadline() {
        ConnectDeadline deadline = ConnectDeadline.start(clock::get, null);
        advance(Duration.ofDays(1));
        assertThat(deadline.passed()).isFalse();
        assertThat(deadline.remaining()).isNull();
        assertThat(deadline.cap(CALLS, "x")).isSameAs(CALLS);
        assertThat(ConnectDeadline.none().passed()).isFalse();
    }
}
