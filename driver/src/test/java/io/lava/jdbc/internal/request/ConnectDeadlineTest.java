package io.lava.jdbc.internal.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.SourceException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    @ParameterizedTest(name = "{0} ns left: passed {1}")
    @CsvSource({
            "5000000000, false",
            "1000001, false",
            "1000000, false",
            "999999, true",
            "1, true",
            "0, true",
            "-1000000000, true"})
    void lessThanOneMillisecondLeftCountsAsPassed(long leftNanos, boolean passed) {
        ConnectDeadline deadline = ConnectDeadline.start(clock::get, Duration.ofSeconds(5));
        advance(Duration.ofSeconds(5).minusNanos(leftNanos));
        assertThat(deadline.passed()).isEqualTo(passed);
        assertThat(deadline.remaining()).isEqualTo(Duration.ofNanos(Math.max(0, leftNanos)));
        if (passed) {
            assertThatThrownBy(() -> deadline.check("opening the connection"))
                    .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e)
                            .hasMessageStartingWith("the connect's loginTimeout (5 s) ran out before opening the "
                                    + "connection. Raise loginTimeout"));
        } else {
            deadline.check("opening the connection");
            assertThat(deadline.cap(CALLS, "x").apiCall()).isEqualTo(Duration.ofNanos(leftNanos));
        }
    }

    @ParameterizedTest(name = "{0} ms left of a {1} s call, {2} s attempt: {3} ms, {4} ms")
    @CsvSource({
            "10000, 60, 3, 10000, 3000",
            "60000, 60, 3, 60000, 3000",
            "60001, 60, 3, 60000, 3000",
            "59999, 60, 3, 59999, 3000",
            "3000, 60, 3, 3000, 3000",
            "2999, 60, 3, 2999, 2999",
            "1, 60, 3, 1, 1"})
    void theCallGetsTheTimeLeftAndTheAttemptNoMoreThanTheCall(long leftMillis, long call, long attempt,
                                                              long callMillis, long attemptMillis) {
        ConnectDeadline deadline = ConnectDeadline.start(clock::get, Duration.ofMillis(leftMillis));
        CallTimeouts capped = deadline.cap(new CallTimeouts(Duration.ofSeconds(call), Duration.ofSeconds(attempt)),
                "x");
        assertThat(capped).isEqualTo(new CallTimeouts(Duration.ofMillis(callMillis), Duration.ofMillis(attemptMillis)));
    }

    @Test
    void exactlyTheCallTimeoutLeftKeepsTheLimitsAsGiven() {
        ConnectDeadline deadline = ConnectDeadline.start(clock::get, Duration.ofSeconds(60));
        assertThat(deadline.cap(CALLS, "x")).isSameAs(CALLS);
        advance(Duration.ofNanos(1));
        assertThat(deadline.cap(CALLS, "x")).isNotSameAs(CALLS)
                .isEqualTo(new CallTimeouts(Duration.ofSeconds(60).minusNanos(1), Duration.ofSeconds(3)));
    }

    @Test
    void theLoginTimeoutIsKeptAndShownWithWhatRemains() {
        ConnectDeadline deadline = ConnectDeadline.start(clock::get, Duration.ofSeconds(10));
        advance(Duration.ofSeconds(4));
        assertThat(deadline.loginTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(deadline).hasToString("ConnectDeadline[loginTimeout=PT10S, remaining=PT6S]");
        assertThat(ConnectDeadline.start(clock::get, null)).hasToString("ConnectDeadline[none]");
        assertThat(ConnectDeadline.none()).hasToString("ConnectDeadline[none]");
        assertThat(ConnectDeadline.none().loginTimeout()).isNull();
        assertThat(ConnectDeadline.none().remaining()).isNull();
    }

    @ParameterizedTest(name = "{0} ms: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            5000   | loginTimeout (5 s)
            2500   | loginTimeout (2.5 s)
            250    | loginTimeout (0.25 s)
            60000  | loginTimeout (60 s)
            """)
    void theExpiredMessageNamesTheLoginTimeoutInSecondsAndKeepsTheCause(long millis, String shown) {
        IllegalStateException cause = new IllegalStateException("slow");
        SourceException e = ConnectDeadline.start(clock::get, Duration.ofMillis(millis)).expired("reading x", cause);
        assertThat(e.sqlState()).isEqualTo("08001");
        assertThat(e).hasMessage("the connect's " + shown + " ran out before reading x. Raise loginTimeout (the "
                + "property, or DriverManager.setLoginTimeout), or find what makes the connect slow: AWS throttling "
                + "or an unreachable AWS endpoint (see the cause), or the database server").hasCause(cause);
    }

    @Test
    void aDeadlineStartedEarlierHasLessLeft() {
        long start = clock.get();
        advance(Duration.ofSeconds(3));
        ConnectDeadline deadline = ConnectDeadline.startedAt(clock::get, start, Duration.ofSeconds(3));
        assertThat(deadline.passed()).isTrue();
        assertThat(ConnectDeadline.startedAt(clock::get, start, null).passed()).isFalse();
    }
}
