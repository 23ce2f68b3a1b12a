package io.lava.jdbc.internal.telemetry;

import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.Version;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link Telemetry} through the OpenTelemetry API: per connect, a span {@value #CONNECT_SPAN} with a child span per
 * resolution step and one for pgjdbc's connect, a counter {@value #CONNECTS} and a histogram {@value #DURATION}.
 * Loaded only when the API is on the class path ({@link Telemetries#get()}).
 *
 * <p><b>Which OpenTelemetry.</b> {@link GlobalOpenTelemetry#get()} is asked only once it is safe: when
 * {@link GlobalOpenTelemetry#isSet()} says the application (or the SDK's autoconfiguration) has set it, or when the
 * OpenTelemetry Java agent runs (its bootstrap class {@value #AGENT_CLASS} is loadable from the boot class loader; the
 * agent answers {@code get()} with its own SDK and leaves {@code isSet()} false). Without either, asking {@code get()}
 * would install the no-op implementation for good, and the application's later {@code GlobalOpenTelemetry.set} would
 * fail; so the driver records nothing and asks again at the next connect. An API without {@code isSet()} (older than
 * the one the driver is built with) counts as not set.
 *
 * <p><b>Times.</b> The connect span starts when {@link #start()} is called and ends at {@link Connect#connected} or
 * {@link Connect#failed}. The step spans are built afterwards from the engine's own timings (nanoseconds per step,
 * {@code io.lava.jdbc.internal.engine.Resolution.StepTiming}), so a connect pays for no span while it runs: pgjdbc's
 * connect ends when the connect does, and the steps are laid end to end before it, in the order they ran. Steps
 * that overlapped (a secret read while the SSM parameter is read) are shown one after the other.
 */
final class OpenTelemetryConnects extends Telemetry {
    private static final Logger LOG = Logger.getLogger(OpenTelemetryConnects.class.getName());

    /** The instrumentation scope: the driver's package and version. */
    static final String SCOPE = "io.lava.jdbc";
    /** The span of one connect ({@code Driver.connect}, {@code DataSource.getConnection}). */
    static final String CONNECT_SPAN = "lava-pg connect";
    /** The prefix of the step spans: {@code lava-pg record}, {@code lava-pg parameter}, ... */
    static final String STEP_SPAN_PREFIX = "lava-pg ";
    /** The child span of pgjdbc's connect (the successful one). */
    static final String PGJDBC_SPAN = "lava-pg pgjdbc connect";
    /** Counter of connects, by {@code lava.realm}, {@code lava.conn_id}, {@code lava.outcome}, {@code error.type}. */
    static final String CONNECTS = "lava.connects";
    /** Histogram of connect durations in seconds, with the counter's attributes. */
    static final String DURATION = "lava.connect.duration";
    /** A class of the OpenTelemetry Java agent, on the boot class path while the agent runs. */
    static final String AGENT_CLASS = "io.opentelemetry.javaagent.bootstrap.AgentInitializer";

    static final AttributeKey<String> REALM = AttributeKey.stringKey("lava.realm");
    static final AttributeKey<String> CONN_ID = AttributeKey.stringKey("lava.conn_id");
    static final AttributeKey<String> STEP = AttributeKey.stringKey("lava.step");
    static final AttributeKey<String> SOURCE = AttributeKey.stringKey("lava.source");
    static final AttributeKey<String> CACHE = AttributeKey.stringKey("lava.cache");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("lava.attempts");
    static final AttributeKey<Boolean> REUSED = AttributeKey.booleanKey("lava.reused");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("lava.outcome");
    /** OpenTelemetry's semantic convention for the failure's class: here the SQLState. */
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    /** OpenTelemetry's database semantic convention for the status code a database answered: here the SQLState. */
    static final AttributeKey<String> STATUS_CODE = AttributeKey.stringKey("db.response.status_code");

    /** The OpenTelemetry to record to, or {@code null} while none may be asked for. */
    private final Supplier<OpenTelemetry> source;
    /** The instruments of the OpenTelemetry last used, built once per instance. */
    private volatile Instruments instruments;
    /** Whether using the API failed once ({@link #broke}): then nothing is recorded any more. */
    private volatile boolean broken;

    OpenTelemetryConnects(Supplier<OpenTelemetry> source) {
        this.source = source;
    }

    /** @return telemetry over {@link GlobalOpenTelemetry}, asked for as the class description says */
    static OpenTelemetryConnects global() {
        boolean agent = agentRunning();
        return new OpenTelemetryConnects(new Supplier<>() {
            private volatile boolean noIsSet;

            @Override
            public OpenTelemetry get() {
                return agent || isSet() ? GlobalOpenTelemetry.get() : null;
            }

            private boolean isSet() {
                if (noIsSet) {
                    return false;
                }
                try {
                    return GlobalOpenTelemetry.isSet();
                } catch (NoSuchMethodError e) {
                    noIsSet = true;
                    return false;
                }
            }
        });
    }

    private static boolean agentRunning() {
        try {
            Class.forName(AGENT_CLASS, false, null);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The tracer and meters of one {@link OpenTelemetry}. */
    private record Instruments(OpenTelemetry of, Tracer tracer, LongCounter connects, DoubleHistogram duration) {
        static Instruments of(OpenTelemetry otel) {
            return new Instruments(otel, otel.getTracer(SCOPE, Version.FULL),
                    otel.getMeter(SCOPE).counterBuilder(CONNECTS).setUnit("{connect}")
                            .setDescription("lava-pg connects, by realm, conn_id and outcome").build(),
                    otel.getMeter(SCOPE).histogramBuilder(DURATION).setUnit("s")
                            .setDescription("How long lava-pg connects took: resolution and pgjdbc's connect")
                            .build());
        }
    }

    @Override
    public Connect start() {
        if (broken) {
            return null;
        }
        try {
            return startSpan();
        } catch (RuntimeException | LinkageError e) {
            broke(e);
            return null;
        }
    }

    /**
     * Turns the telemetry off for good, with one WARNING: a part of the OpenTelemetry API missing or mismatched (e.g.
     * {@code opentelemetry-api} without {@code opentelemetry-context}, or the latter without
     * {@code opentelemetry-common}) or an SDK that throws must never fail a connect.
     */
    void broke(Throwable e) {
        if (!broken) {
            broken = true;
            LOG.log(Level.WARNING, "lava-pg: the driver's OpenTelemetry spans and metrics are off: the OpenTelemetry "
                    + "API on the class path could not be used (" + e + "). Put opentelemetry-api with its "
                    + "dependencies (opentelemetry-context, opentelemetry-common) of one version on the class path", e);
        }
    }

    private Connect startSpan() {
        OpenTelemetry otel = source.get();
        if (otel == null) {
            return null;
        }
        Instruments in = instruments;
        if (in == null || in.of() != otel) {
            in = Instruments.of(otel);
            instruments = in;
        }
        long startEpochNanos = epochNanos();
        Span span = in.tracer().spanBuilder(CONNECT_SPAN).setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS).startSpan();
        return new Traced(in, span, span.makeCurrent(), startEpochNanos, System.nanoTime(), this);
    }

    /** @return the wall-clock time, in nanoseconds since the epoch */
    static long epochNanos() {
        Instant now = Instant.now();
        return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    }

    /** One step as reported, kept until the connect ends and the step spans can be laid out. */
    private record Step(Errors.Step step, long nanos, String cache, Supplier<String> source) {
    }

    private static final class Traced implements Connect {
        private final Instruments in;
        private final Span span;
        private final Scope scope;
        private final long startEpochNanos;
        private final long startNanoTime;
        private final OpenTelemetryConnects owner;
        private final List<Step> steps = new ArrayList<>(4);

        Traced(Instruments in, Span span, Scope scope, long startEpochNanos, long startNanoTime,
               OpenTelemetryConnects owner) {
            this.in = in;
            this.span = span;
            this.scope = scope;
            this.startEpochNanos = startEpochNanos;
            this.startNanoTime = startNanoTime;
            this.owner = owner;
        }

        @Override
        public void step(Errors.Step step, long nanos, String cache, Supplier<String> source) {
            steps.add(new Step(step, nanos, cache, source));
        }

        @Override
        public void connected(String realm, String connId, long connectNanos, int attempts, boolean reused) {
            try {
                scope.close();
                report(realm, connId, connectNanos, attempts, reused);
            } catch (RuntimeException | LinkageError e) {
                owner.broke(e);
            }
        }

        private void report(String realm, String connId, long connectNanos, int attempts, boolean reused) {
            long elapsed = System.nanoTime() - startNanoTime;
            long end = startEpochNanos + elapsed;
            if (span.isRecording()) {
                long pgStart = Math.max(startEpochNanos, end - connectNanos);
                long cursor = pgStart;
                for (int i = steps.size() - 1; i >= 0; i--) {
                    cursor = Math.max(startEpochNanos, cursor - steps.get(i).nanos());
                }
                for (Step s : steps) {
                    long stepEnd = Math.min(pgStart, cursor + s.nanos());
                    Span child = child(STEP_SPAN_PREFIX + s.step().label, cursor)
                            .setAttribute(STEP, s.step().label)
                            .setAttribute(CACHE, s.cache())
                            .setAttribute(SOURCE, s.source().get());
                    child.end(stepEnd, TimeUnit.NANOSECONDS);
                    cursor = stepEnd;
                }
                child(PGJDBC_SPAN, pgStart).setAttribute(STEP, Errors.Step.CONNECT.label)
                        .setAttribute(ATTEMPTS, (long) attempts).end(end, TimeUnit.NANOSECONDS);
                span.setAttribute(REALM, realm).setAttribute(CONN_ID, connId).setAttribute(ATTEMPTS, (long) attempts);
                if (reused) {
                    span.setAttribute(REUSED, true);
                }
            }
            span.end(end, TimeUnit.NANOSECONDS);
            record(realm, connId, "ok", null, elapsed);
        }

        @Override
        public void failed(String realm, String connId, String sqlState) {
            try {
                scope.close();
                reportFailure(realm, connId, sqlState);
            } catch (RuntimeException | LinkageError e) {
                owner.broke(e);
            }
        }

        private void reportFailure(String realm, String connId, String sqlState) {
            long elapsed = System.nanoTime() - startNanoTime;
            if (span.isRecording()) {
                if (realm != null) {
                    span.setAttribute(REALM, realm);
                }
                if (connId != null) {
                    span.setAttribute(CONN_ID, connId);
                }
                if (sqlState != null) {
                    span.setAttribute(ERROR_TYPE, sqlState).setAttribute(STATUS_CODE, sqlState);
                }
                span.setStatus(StatusCode.ERROR);
            }
            span.end(startEpochNanos + elapsed, TimeUnit.NANOSECONDS);
            record(realm, connId, "error", sqlState, elapsed);
        }

        private Span child(String name, long startEpochNanos) {
            return in.tracer().spanBuilder(name).setSpanKind(SpanKind.INTERNAL)
                    .setParent(Context.current().with(span))
                    .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS).startSpan();
        }

        private void record(String realm, String connId, String outcome, String sqlState, long nanos) {
            AttributesBuilder attributes = Attributes.builder().put(OUTCOME, outcome);
            if (realm != null) {
                attributes.put(REALM, realm);
            }
            if (connId != null) {
                attributes.put(CONN_ID, connId);
            }
            if (sqlState != null) {
                attributes.put(ERROR_TYPE, sqlState);
            }
            Attributes all = attributes.build();
            in.connects().add(1, all);
            in.duration().record(nanos / 1e9, all);
        }
    }
}
