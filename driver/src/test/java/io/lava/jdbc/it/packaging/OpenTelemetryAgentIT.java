package io.lava.jdbc.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.internal.Version;
import io.lava.jdbc.it.failures.ErrorShapesIT;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.ChildJvm;
import io.lava.jdbc.testing.ChildJvm.Run;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import io.lava.jdbc.testing.Slow;
import io.lava.jdbc.testing.TestSecrets;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.context.Context;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenTelemetry Java agent ({@code target/otel/opentelemetry-javaagent.jar}, copied there by Maven) on a program
 * that connects through {@code jdbc:lava-pg:} and runs {@code select current_user} ({@link OpenTelemetryProbe}),
 * each in a JVM of its own with the spans written to standard error by the agent's {@code logging} exporter: the
 * database span carries PostgreSQL's attributes (pgjdbc's connect is the one the agent records, docs/opentelemetry.md),
 * the driver's own spans and metrics appear when the OpenTelemetry API is on the class path, the AWS SDK's spans only
 * with the thin jar (the {@code -all} jar relocates the SDK), and every jar works without the agent and without the
 * API. No password in any output.
 */
@Slow
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class OpenTelemetryAgentIT {
    private static final String PASSWORD = TestSecrets.register("otel-Agent-Pa55");
    private static final String USER = "otel_user";
    private static final String DATABASE = "otel_db";
    private static final String REALM = "otel";
    private static LocalPostgres pg;
    private static LavaRealm realm;
    private static Path home;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws aws) throws Exception {
        pg = postgres;
        realm = LavaRealm.create(aws, pg, REALM).postgresWithDatabase("pg-ssm", DATABASE, USER, PASSWORD);
        home = Files.createTempDirectory("otel-agent-home-");
    }

    /** @return the agent jar Maven copied for this test ({@code dependency:copy}, execution opentelemetry-javaagent) */
    static Path agent() {
        Path jar = Path.of(System.getProperty("basedir", "."), "target", "otel", "opentelemetry-javaagent.jar");
        assertThat(jar).as("the OpenTelemetry Java agent (copied by mvn package)").isRegularFile();
        return jar;
    }

    /**
     * @return the OpenTelemetry API's jars as the tests have them: {@code opentelemetry-api} and what it needs,
     *     {@code opentelemetry-context} and {@code opentelemetry-common}
     */
    static String apiJars() throws URISyntaxException {
        List<String> jars = new ArrayList<>();
        for (Class<?> type : List.of(GlobalOpenTelemetry.class, Context.class, ComponentLoader.class)) {
            jars.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        return String.join(File.pathSeparator, jars);
    }

    private static Run probe(boolean withAgent, String classPath, String name) throws IOException {
        List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-Duser.home=" + home,
                "-Djava.io.tmpdir=" + home));
        if (withAgent) {
            command.addAll(List.of("-javaagent:" + agent(), "-Dotel.service.name=lava-probe",
                    "-Dotel.traces.exporter=logging", "-Dotel.metrics.exporter=logging",
                    "-Dotel.logs.exporter=none", "-Dotel.metric.export.interval=600000"));
        }
        command.addAll(List.of("-cp", classPath, probeSource().toString(), realm.urlWithAws("pg-ssm"),
                realm.urlWithAws("no-such-record")));
        Run run = ChildJvm.run(command, ChildJvm.cleanEnvironment(home), Duration.ofMinutes(3));
        Files.writeString(Path.of(System.getProperty("basedir", "."), "target",
                "otel-" + name.toLowerCase(Locale.ROOT) + ".log"), run.all());
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).contains("current_user=" + USER).contains("failed=08001");
        assertThat(run.all()).doesNotContain(PASSWORD).doesNotContain("lava-test-secret-key");
        return run;
    }

    private static Path probeSource() {
        return Path.of(System.getProperty("basedir", "."), "src", "test", "java", "io", "lava", "jdbc", "it",
                "packaging", "OpenTelemetryProbe.java");
    }

    private static String thinJar() {
        return ErrorShapesIT.classPath(ErrorShapesIT.Jar.THIN);
    }

    /** The spans the agent's {@code logging} exporter wrote: one line each. */
    record SpanLine(String name, String traceId, String kind, String tracer, String attributes) {
        boolean has(String attribute) {
            return (", " + attributes + ", ").contains(", " + attribute + ", ");
        }
    }

    private static final Pattern SPAN = Pattern.compile("LoggingSpanExporter - '(.*)' : (\\w+) \\w+ (\\w+) "
            + "\\[tracer: ([^\\]]+)\\] AttributesMap\\{data=\\{(.*)\\}, capacity=");

    private static List<SpanLine> spans(Run run) {
        List<SpanLine> spans = new ArrayList<>();
        for (String line : run.all().lines().toList()) {
            Matcher m = SPAN.matcher(line);
            if (m.find()) {
                spans.add(new SpanLine(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)));
            }
        }
        return spans;
    }

    private static List<SpanLine> named(List<SpanLine> spans, String name) {
        return spans.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The span of {@code select current_user}: PostgreSQL's attributes, as pgjdbc's own connect recorded them. */
    private static void assertDatabaseSpan(List<SpanLine> spans) {
        assertThat(spans).filteredOn(s -> s.has("db.statement=select current_user")).singleElement()
                .satisfies(s -> {
                    assertThat(s.name()).isEqualTo("SELECT " + DATABASE);
                    assertThat(s.kind()).isEqualTo("CLIENT");
                    assertThat(s.tracer()).isEqualTo("io.opentelemetry.jdbc:2.22.0-alpha");
                    for (String attribute : List.of("db.system=postgresql", "server.address=" + pg.host(),
                            "server.port=" + pg.port(), "db.name=" + DATABASE, "db.user=" + USER,
                            "db.connection_string=postgresql://" + pg.host() + ":" + pg.port(), "db.operation=SELECT")) {
                        assertThat(s.has(attribute)).as("%s in %s", attribute, s.attributes()).isTrue();
                    }
                });
    }

    /** The driver's spans of the probe's two connects, and its metrics. */
    private static String assertDriverSpans(Run run, List<SpanLine> spans) {
        String tracer = "io.lava.jdbc:" + Version.FULL;
        List<SpanLine> connects = named(spans, "lava-pg connect");
        assertThat(connects).hasSize(2).allSatisfy(s -> {
            assertThat(s.tracer()).isEqualTo(tracer);
            assertThat(s.kind()).isEqualTo("INTERNAL");
            assertThat(s.has("lava.realm=" + REALM)).as(s.attributes()).isTrue();
        });
        SpanLine ok = connects.stream().filter(s -> s.has("lava.conn_id=pg-ssm")).findFirst().orElseThrow();
        assertThat(ok.has("lava.attempts=1")).as(ok.attributes()).isTrue();
        assertThat(ok.attributes()).doesNotContain("error.type");
        SpanLine failed = connects.stream().filter(s -> s.has("lava.conn_id=no-such-record")).findFirst()
                .orElseThrow();
        assertThat(failed.has("error.type=08001") && failed.has("db.response.status_code=08001"))
                .as(failed.attributes()).isTrue();

        List<SpanLine> steps = spans.stream().filter(s -> s.name().startsWith("lava-pg ") && s != ok && s != failed)
                .toList();
        assertThat(steps).extracting(SpanLine::name).containsExactlyInAnyOrder("lava-pg record",
                "lava-pg parameter", "lava-pg pgjdbc connect");
        assertThat(steps).allSatisfy(s -> assertThat(s.traceId()).isEqualTo(ok.traceId()));
        SpanLine record = named(steps, "lava-pg record").get(0);
        assertThat(record.has("lava.step=record") && record.has("lava.cache=miss")
                && record.has("lava.source=record 'pg-ssm' from DynamoDB table 'lava." + REALM
                + ".connections' (us-east-1)")).as(record.attributes()).isTrue();
        SpanLine parameter = named(steps, "lava-pg parameter").get(0);
        assertThat(parameter.has("lava.step=parameter") && parameter.has("lava.cache=miss")
                && parameter.has("lava.source=SSM parameter '" + realm.parameter(USER) + "'"))
                .as(parameter.attributes()).isTrue();
        SpanLine pgjdbc = named(steps, "lava-pg pgjdbc connect").get(0);
        assertThat(pgjdbc.has("lava.step=connect") && pgjdbc.has("lava.attempts=1")).as(pgjdbc.attributes())
                .isTrue();

        assertThat(run.all()).contains("name=lava.connects").contains("name=lava.connect.duration");
        return ok.traceId();
    }

    @Test
    void allJarWithTheApiAndTheAgent() throws Exception {
        Run run = probe(true, ShadedJarIT.allJar() + File.pathSeparator + apiJars(), "all-api-agent");
        List<SpanLine> spans = spans(run);
        assertDatabaseSpan(spans);
        String trace = assertDriverSpans(run, spans);
        // the relocated AWS SDK is no AWS SDK to the agent: its calls are HttpURLConnection's POSTs, inside the connect
        assertThat(spans).noneSatisfy(s -> assertThat(s.tracer()).startsWith("io.opentelemetry.aws-sdk"));
        assertThat(named(spans, "POST")).hasSizeGreaterThanOrEqualTo(2)
                .anySatisfy(s -> assertThat(s.traceId()).isEqualTo(trace));
        assertThat(run.all()).doesNotContain("spans and metrics are off");
    }

    @Test
    void allJarAloneWithTheAgent() throws Exception {
        Run run = probe(true, ShadedJarIT.allJar().toString(), "all-agent");
        List<SpanLine> spans = spans(run);
        assertDatabaseSpan(spans);
        assertThat(spans).noneSatisfy(s -> assertThat(s.name()).startsWith("lava-pg"));
        assertThat(run.all()).doesNotContain("lava.connects");
    }

    @Test
    void thinJarWithTheApiAndTheAgent() throws Exception {
        Run run = probe(true, thinJar() + File.pathSeparator + apiJars(), "thin-api-agent");
        List<SpanLine> spans = spans(run);
        assertDatabaseSpan(spans);
        String trace = assertDriverSpans(run, spans);
        // the thin jar's AWS SDK is the agent's to instrument: its spans nest in the driver's connects
        List<String> connects = named(spans, "lava-pg connect").stream().map(SpanLine::traceId).toList();
        for (String call : List.of("DynamoDb.GetItem", "Ssm.GetParameter")) {
            assertThat(named(spans, call)).as(call).isNotEmpty().allSatisfy(s -> {
                assertThat(s.tracer()).startsWith("io.opentelemetry.aws-sdk-2.2");
                assertThat(s.traceId()).isIn(connects);
            }).anySatisfy(s -> assertThat(s.traceId()).isEqualTo(trace));
        }
    }

    /** An OpenTelemetry API without its dependencies turns the driver's telemetry off, and the connect still works. */
    @Test
    void anIncompleteApiTurnsTheTelemetryOff() throws Exception {
        String apiAlone = Path.of(GlobalOpenTelemetry.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI()) + File.pathSeparator + Path.of(Context.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI());
        Run run = probe(true, ShadedJarIT.allJar() + File.pathSeparator + apiAlone, "all-incomplete-api-agent");
        assertDatabaseSpan(spans(run));
        assertThat(run.err()).containsOnlyOnce("the driver's OpenTelemetry spans and metrics are off");
    }

    @Test
    void withoutTheAgent() throws Exception {
        for (Run run : List.of(probe(false, ShadedJarIT.allJar().toString(), "all"),
                probe(false, ShadedJarIT.allJar() + File.pathSeparator + apiJars(), "all-api"),
                probe(false, thinJar(), "thin"),
                probe(false, thinJar() + File.pathSeparator + apiJars(), "thin-api"))) {
            assertThat(spans(run)).isEmpty();
            assertThat(run.err()).doesNotContain("OpenTelemetry");
        }
    }

}
