package io.lava.jdbc.examples.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartupTimelineTest {

    /** Lines of {@code -Xlog:class+load:file=...:uptime} from a run of the {@code -all} jar (relocated SDK). */
    private static final List<String> LOG = List.of(
            "[0.021s] java.lang.Object source: shared objects file",
            "[0.077s] io.lava.jdbc.LavaPgDriver source: file:/w/lava-pg-jdbc-all.jar",
            "[0.078s] io.lava.jdbc.LavaPgDriver$1 source: file:/w/lava-pg-jdbc-all.jar",
            "[0.120s] io.lava.jdbc.shaded.com.github.benmanes.caffeine.cache.Caffeine source: file:/w/all.jar",
            "[0.121s] io.lava.jdbc.shaded.com.github.benmanes.caffeine.cache.Ticker source: file:/w/all.jar",
            "[0.509s] io.lava.jdbc.shaded.software.amazon.awssdk.services.dynamodb.DynamoDbClient source: x",
            "[0.600s] io.lava.jdbc.shaded.software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder source: x",
            "[1.138s] io.lava.jdbc.shaded.software.amazon.awssdk.services.dynamodb.model.GetItemRequest source: x",
            "[1.602s] sun.net.www.protocol.http.HttpURLConnection source: jrt:/java.base",
            "[1.701s] io.lava.jdbc.shaded.software.amazon.awssdk.services.ssm.DefaultSsmClient source: x",
            "[1.767s] io.lava.jdbc.shaded.software.amazon.awssdk.services.ssm.model.GetParameterRequest source: x",
            "a line that is not a class load",
            "[1.871s] org.postgresql.core.v3.ConnectionFactoryImpl source: file:/w/all.jar",
            "[1.911s] sun.security.ssl.ClientHello source: jrt:/java.base",
            "[1.912s] sun.security.ssl.ClientHello$ClientHelloMessage source: jrt:/java.base",
            "[2.587s] org.postgresql.jdbc.PgStatement source: file:/w/all.jar",
            "[2.604s] java.lang.Shutdown source: shared objects file");

    @Test
    void firstClassOfEachStepRelocatedNamesIncluded() {
        StartupTimeline t = StartupTimeline.parse(LOG);
        assertThat(t.millis().get("driver loaded")).isCloseTo(77, within(1e-6));
        assertThat(t.millis().get("engine built (Caffeine)")).isCloseTo(120, within(1e-6));
        assertThat(t.millis().get("DynamoDB client built")).isCloseTo(509, within(1e-6));
        assertThat(t.millis().get("GetItem")).isCloseTo(1138, within(1e-6));
        assertThat(t.millis().get("first HTTP")).isCloseTo(1602, within(1e-6));
        assertThat(t.millis().get("SSM client built")).isCloseTo(1701, within(1e-6));
        assertThat(t.millis().get("GetParameter")).isCloseTo(1767, within(1e-6));
        assertThat(t.millis().get("pgjdbc connect")).isCloseTo(1871, within(1e-6));
        assertThat(t.millis().get("TLS handshake")).isCloseTo(1911, within(1e-6));
        assertThat(t.millis().get("first query")).isCloseTo(2587, within(1e-6));
        assertThat(t.endMillis()).isCloseTo(2604, within(1e-6));
    }

    @Test
    void aStepWhoseClassNeverLoadedIsMissingAndPrintedAsDash() {
        StartupTimeline lava = StartupTimeline.parse(LOG);
        assertThat(lava.millis()).containsKey("JMX").containsEntry("JMX", null);
        StartupTimeline pgjdbc = StartupTimeline.parse(List.of(
                "[0.181s] org.postgresql.core.v3.ConnectionFactoryImpl source: file:/w/postgresql.jar",
                "[0.331s] sun.security.ssl.ClientHello source: jrt:/java.base",
                "[0.916s] org.postgresql.jdbc.PgStatement source: file:/w/postgresql.jar",
                "[0.929s] java.lang.Shutdown source: shared objects file"));
        assertThat(pgjdbc.millis().get("driver loaded")).isNull();
        Map<String, StartupTimeline> columns = new LinkedHashMap<>();
        columns.put("lava-pg", lava);
        columns.put("pgjdbc alone", pgjdbc);
        String table = StartupTimeline.table(columns);
        assertThat(table.lines().filter(l -> l.startsWith("| driver loaded"))).singleElement().asString()
                .matches("\\| driver loaded \\(io\\.lava\\.jdbc\\.LavaPgDriver\\) +\\| 77 ms +\\| - +\\|");
        assertThat(table.lines().filter(l -> l.startsWith("| JMX"))).singleElement().asString()
                .matches("\\| JMX .*\\| - +\\| - +\\|");
        assertThat(table.lines().filter(l -> l.startsWith("| end"))).singleElement().asString()
                .contains("2604 ms").contains("929 ms");
        assertThat(table.lines().count()).isEqualTo(2 + StartupTimeline.MILESTONES.size() + 1);
    }

    @Test
    void aClassMatchesByWholeNameOrRelocatedSuffixAPackageByPrefix() {
        StartupTimeline.Milestone client = new StartupTimeline.Milestone("c",
                "software.amazon.awssdk.services.ssm.DefaultSsmClient");
        assertThat(client.matches("software.amazon.awssdk.services.ssm.DefaultSsmClient")).isTrue();
        assertThat(client.matches("io.lava.jdbc.shaded.software.amazon.awssdk.services.ssm.DefaultSsmClient"))
                .isTrue();
        assertThat(client.matches("software.amazon.awssdk.services.ssm.DefaultSsmClient$1")).isFalse();
        assertThat(client.matches("x.NotDefaultSsmClient")).isFalse();
        StartupTimeline.Milestone caffeine = new StartupTimeline.Milestone("e", "com.github.benmanes.caffeine.");
        assertThat(caffeine.matches("com.github.benmanes.caffeine.cache.Caffeine")).isTrue();
        assertThat(caffeine.matches("io.lava.jdbc.shaded.com.github.benmanes.caffeine.cache.Caffeine")).isTrue();
        assertThat(caffeine.matches("org.example.caffeine.Cache")).isFalse();
    }

    @Test
    void anEmptyLogHasNoEnd() {
        StartupTimeline t = StartupTimeline.parse(List.of());
        assertThat(t.endMillis()).isNaN();
        assertThat(t.millis().values()).containsOnlyNulls();
    }
}
