package io.lava.jdbc.internal.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.internal.Errors;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The driver's spans and metrics, read back from the OpenTelemetry SDK with in-memory exporters. */
class TelemetryTest {
    private InMemorySpanExporter spans;
    private InMemoryMetricReader metrics;
    private OpenTelemetrySdk sdk;

    @BeforeEach
    void sdk() {
        spans = InMemorySpanExporter.create();
        metrics = InMemoryMetricReader.create();
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
                .build();
    }

    @AfterEach
    void close() {
        sdk.close();
        GlobalOpenTelemetry.resetForTest();
    }

    @Test
    void aConnectIsASpanWithAChildPerStepAndOneForPgjdbc() {
        AtomicInteger described = new AtomicInteger();
        Telemetry.Connect connect = new OpenTelemetryConnects(() -> sdk).start();
        assertThat(Span.current().getSpanContext().isValid()).as("the connect span is current while it runs").isTrue();
        connect.step(Errors.Step.RECORD, TimeUnit.MILLISECONDS.toNanos(3), "miss", () -> {
            described.incrementAndGet();
            return "record 'pg' from DynamoDB table 'lava.acc.connections' (us-east-1)";
        });
        connect.step(Errors.Step.PARAMETER, TimeUnit.MILLISECONDS.toNanos(2), "hit",
                () -> "SSM parameter '/lava/acc/pw'");
        connect.connected("acc", "pg", TimeUnit.MILLISECONDS.toNanos(1), 2, false);
        assertThat(Span.current().getSpanContext().isValid()).as("and no longer after").isFalse();

        List<SpanData> all = spans.getFinishedSpanItems();
        assertThat(all).extracting(SpanData::getName).containsExactlyInAnyOrder("lava-pg record",
                "lava-pg parameter", "lava-pg pgjdbc connect", "lava-pg connect");
        SpanData parent = named(all, "lava-pg connect");
        assertThat(parent.getKind()).isEqualTo(SpanKind.INTERNAL);
        assertThat(parent.getInstrumentationScopeInfo().getName()).isEqualTo("io.lava.jdbc");
        assertThat(parent.getAttributes().asMap()).containsOnly(
                entry("lava.realm", "acc"), entry("lava.conn_id", "pg"), entry("lava.attempts", 2L));
        assertThat(parent.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

        SpanData record = named(all, "lava-pg record");
        assertThat(record.getAttributes().asMap()).containsOnly(entry("lava.step", "record"),
                entry("lava.cache", "miss"),
                entry("lava.source", "record 'pg' from DynamoDB table 'lava.acc.connections' (us-east-1)"));
        assertThat(described).hasValue(1);
        assertThat(named(all, "lava-pg parameter").getAttributes().get(AttributeKey.stringKey("lava.cache")))
                .isEqualTo("hit");
        SpanData pgjdbc = named(all, "lava-pg pgjdbc connect");
        assertThat(pgjdbc.getAttributes().asMap()).containsOnly(entry("lava.step", "connect"),
                entry("lava.attempts", 2L));
        for (SpanData child : List.of(record, named(all, "lava-pg parameter"), pgjdbc)) {
            assertThat(child.getParentSpanId()).isEqualTo(parent.getSpanId());
            assertThat(child.getTraceId()).isEqualTo(parent.getTraceId());
            assertThat(child.getStartEpochNanos()).isGreaterThanOrEqualTo(parent.getStartEpochNanos());
            assertThat(child.getEndEpochNanos()).isLessThanOrEqualTo(parent.getEndEpochNanos());
        }
        // laid out end to end in the order they ran, pgjdbc's connect last and ending with the connect
        List<SpanData> children = all.stream().filter(s -> s != parent)
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
        assertThat(children).extracting(SpanData::getName)
                .containsExactly("lava-pg record", "lava-pg parameter", "lava-pg pgjdbc connect");
        assertThat(record.getEndEpochNanos()).isLessThanOrEqualTo(named(all, "lava-pg parameter")
                .getStartEpochNanos());
        assertThat(pgjdbc.getEndEpochNanos()).isEqualTo(parent.getEndEpochNanos());

        MetricData connects = metric("lava.connects");
        assertThat(connects.getUnit()).isEqualTo("{connect}");
        assertThat(connects.getLongSumData().getPoints()).singleElement().satisfies(p -> {
            assertThat(p.getValue()).isEqualTo(1);
            assertThat(p.getAttributes().asMap()).containsOnly(entry("lava.realm", "acc"),
                    entry("lava.conn_id", "pg"), entry("lava.outcome", "ok"));
        });
        MetricData duration = metric("lava.connect.duration");
        assertThat(duration.getUnit()).isEqualTo("s");
        assertThat(duration.getHistogramData().getPoints()).singleElement()
                .satisfies(p -> assertThat(p.getCount()).isEqualTo(1));
    }

    @Test
    void aReusedResolutionReportsNoStepsAgain() {
        Telemetry.Connect connect = new OpenTelemetryConnects(() -> sdk).start();
        connect.connected("acc", "pg", 1_000, 1, true);
        assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getName)
                .containsExactlyInAnyOrder("lava-pg connect", "lava-pg pgjdbc connect");
        assertThat(named(spans.getFinishedSpanItems(), "lava-pg connect").getAttributes()
                .get(AttributeKey.booleanKey("lava.reused"))).isTrue();
    }

    @Test
    void aFailedConnectHasStatusErrorAndTheSqlStateOnly() {
        Telemetry.Connect connect = new OpenTelemetryConnects(() -> sdk).start();
        connect.failed("acc", "pg", "28P01");
        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(spans.getFinishedSpanItems()).hasSize(1);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getStatus().getDescription()).isEmpty();
        assertThat(span.getEvents()).as("no exception event: its message is not recorded").isEmpty();
        assertThat(span.getAttributes().asMap()).containsOnly(entry("lava.realm", "acc"),
                entry("lava.conn_id", "pg"), entry("error.type", "28P01"),
                entry("db.response.status_code", "28P01"));
        assertThat(metric("lava.connects").getLongSumData().getPoints()).singleElement()
                .satisfies(p -> assertThat(p.getAttributes().asMap()).containsOnly(entry("lava.realm", "acc"),
                        entry("lava.conn_id", "pg"), entry("lava.outcome", "error"), entry("error.type", "28P01")));
    }

    @Test
    void aFailureBeforeTheUrlWasReadHasNoRealm() {
        new OpenTelemetryConnects(() -> sdk).start().failed(null, null, "08001");
        assertThat(spans.getFinishedSpanItems().get(0).getAttributes().asMap()).containsOnly(
                entry("error.type", "08001"), entry("db.response.status_code", "08001"));
    }

    @Test
    void nothingIsRecordedWhileNoOpenTelemetryMayBeAskedFor() {
        assertThat(new OpenTelemetryConnects(() -> null).start()).isNull();
    }

    /**
     * Without the agent and before the application sets the global OpenTelemetry, the driver neither records nor
     * asks for it: asking would install the no-op for good and make the application's set fail.
     */
    @Test
    void theGlobalOpenTelemetryIsAskedForOnlyOnceItIsSet() {
        Telemetry global = Telemetries.choose(TelemetryTest.class.getClassLoader());
        assertThat(global).isInstanceOf(OpenTelemetryConnects.class);
        assertThat(global.start()).isNull();
        assertThat(GlobalOpenTelemetry.isSet()).isFalse();

        GlobalOpenTelemetry.set(sdk);
        global.start().connected("acc", "pg", 1_000, 1, false);
        assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getName).contains("lava-pg connect");
    }

    @Test
    void withoutTheApiOnTheClassPathTheTelemetryIsOff() throws Exception {
        try (URLClassLoader withoutApi = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            assertThat(Telemetries.choose(withoutApi)).isSameAs(Telemetry.OFF);
        }
        assertThat(Telemetry.OFF.start()).isNull();
    }

    /** A part of the API missing (here: thrown when asked for the OpenTelemetry) never fails a connect. */
    @Test
    void anApiThatCannotBeUsedTurnsTheTelemetryOffForGood() {
        AtomicInteger asked = new AtomicInteger();
        OpenTelemetryConnects broken = new OpenTelemetryConnects(() -> {
            asked.incrementAndGet();
            throw new NoClassDefFoundError("io/opentelemetry/common/ComponentLoader");
        });
        assertThat(broken.start()).isNull();
        assertThat(broken.start()).isNull();
        assertThat(asked).hasValue(1);
    }

    private static SpanData named(List<SpanData> all, String name) {
        return all.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
    }

    private MetricData metric(String name) {
        return metrics.collectAllMetrics().stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    }

    private static java.util.Map.Entry<AttributeKey<?>, Object> entry(String key, Object value) {
        AttributeKey<?> k = value instanceof Long ? AttributeKey.longKey(key)
                : value instanceof Boolean ? AttributeKey.booleanKey(key) : AttributeKey.stringKey(key);
        return java.util.Map.entry(k, value);
    }
}
