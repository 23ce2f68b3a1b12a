package io.lava.jdbc.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.internal.request.ConnectDeadline;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RotationWindowTest {
    private final AtomicLong now = new AtomicLong(5_000_000_000L);

    @Test
    void theWindowEndsAtTheLoginTimeoutDeadline() {
        ConnectDeadline deadline = ConnectDeadline.start(now::get, Duration.ofSeconds(10));
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        assertThat(RotationWindow.end(deadline, now::get) - now.get()).isEqualTo(Duration.ofSeconds(7).toNanos());
    }

    @Test
    void withoutLoginTimeoutTheWindowIsThirtySecondsFromTheRefusal() {
        assertThat(RotationWindow.end(ConnectDeadline.start(now::get, null), now::get) - now.get())
                .isEqualTo(Duration.ofSeconds(RotationWindow.DEFAULT_SECONDS).toNanos());
    }

    @Test
    void aWaitIsBegunOnlyWhenItLeavesASecondToTry() {
        long end = Duration.ofSeconds(10).toNanos();
        assertThat(RotationWindow.leavesTimeToTry(end, Duration.ofSeconds(5).toNanos(), Duration.ofSeconds(4)))
                .isTrue();
        assertThat(RotationWindow.leavesTimeToTry(end, Duration.ofSeconds(5).toNanos(),
                Duration.ofSeconds(4).plusNanos(1))).isFalse();
    }

    @RepeatedTest(20)
    void delaysGrowFromHalfASecondToFourWithHalfJitter() {
        RotationWindow window = new RotationWindow();
        assertThat(window.delay(1)).isBetween(Duration.ofMillis(250), Duration.ofMillis(500));
        assertThat(window.delay(2)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
        assertThat(window.delay(3)).isBetween(Duration.ofMillis(1000), Duration.ofMillis(2000));
        for (int tries = 4; tries < 40; tries++) {
            assertThat(window.delay(tries)).isBetween(Duration.ofMillis(2000), Duration.ofMillis(4000));
        }
    }
}
