package io.lava.jdbc.examples.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PolicyConnectTest {

    @Test
    void everyJvmGoesBeforeEveryOtherInHalfOfEachSixSteps() {
        int[][] before = new int[3][3];
        for (int step = 0; step < 6; step++) {
            int[] order = PolicyConnect.order(step);
            assertThat(Arrays.stream(order).sorted().toArray()).containsExactly(0, 1, 2);
            for (int i = 0; i < 3; i++) {
                for (int j = i + 1; j < 3; j++) {
                    before[order[i]][order[j]]++;
                }
            }
        }
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                assertThat(before[a][b]).as(a + " before " + b).isEqualTo(a == b ? 0 : 3);
            }
        }
        assertThat(PolicyConnect.order(6)).isEqualTo(PolicyConnect.order(0));
    }

    @Test
    void policyFileFixesEndpointRegionRealmHostAndTls() throws IOException {
        Properties values = new Properties();
        values.setProperty(BenchEnv.PG_HOST, "localhost");
        values.setProperty(BenchEnv.AWS_ENDPOINT, "http://127.0.0.1:41234");
        BenchEnv env = new BenchEnv(values, Path.of("/tmp"));
        String text = PolicyConnect.policyText(env, false);

        Properties policy = new Properties();
        policy.load(new StringReader(text));
        assertThat(policy).containsOnlyKeys("allowedRealms", "allowedHosts", "awsEndpointUrl", "awsRegion",
                "minimumSslMode", "allowedProperties");
        assertThat(policy.getProperty("allowedRealms")).isEqualTo("bench");
        assertThat(policy.getProperty("allowedHosts")).isEqualTo("localhost");
        assertThat(policy.getProperty("awsEndpointUrl")).isEqualTo("http://127.0.0.1:41234");
        assertThat(policy.getProperty("awsRegion")).isEqualTo("us-east-1");
        assertThat(policy.getProperty("minimumSslMode")).isEqualTo("verify-full");
        assertThat(policy.getProperty("allowedProperties").split(",\\s*"))
                .containsExactlyElementsOf(PolicyConnect.DEFAULT_ALLOWED_PROPERTIES)
                .contains("ApplicationName", "sslmode");

        Properties same = new Properties();
        same.load(new StringReader(PolicyConnect.policyText(env, true)));
        assertThat(same.getProperty("allowedProperties")).endsWith("sslmode, awsEndpointUrl, awsRegion");
        assertThat(same.getProperty("awsEndpointUrl")).isEqualTo("http://127.0.0.1:41234");
    }

    @Test
    void childAnswersAreParsedOrQuoted() throws IOException {
        assertThat(PolicyConnect.parseNanos("13400000")).isEqualTo(13_400_000L);
        assertThat(PolicyConnect.parseMetrics("metrics 0 0 812")).containsExactly(0, 0, 812);
        assertThatThrownBy(() -> PolicyConnect.parseNanos("error SQLException: realm 'x' is not one"))
                .isInstanceOf(IOException.class).hasMessage("connect failed: SQLException: realm 'x' is not one");
        assertThatThrownBy(() -> PolicyConnect.parseNanos(null)).hasMessage("child ended before answering");
        assertThatThrownBy(() -> PolicyConnect.parseNanos("0")).hasMessage("unexpected answer to c: 0");
        assertThatThrownBy(() -> PolicyConnect.parseMetrics("metrics 1 2"))
                .hasMessage("unexpected answer to m: metrics 1 2");
    }

    @Test
    void ratiosArePolicyOrControlOverPlainOfTheSameStep() {
        List<long[]> steps = List.of(new long[] {100, 110, 100}, new long[] {200, 220, 190},
                new long[] {50, 55, 52});
        PairStats policy = PolicyConnect.stats(steps, PolicyConnect.POLICY);
        assertThat(policy.pairs()).isEqualTo(3);
        assertThat(policy.ratio()).isEqualTo(1.1, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(policy.baselineMedianNanos()).isEqualTo(100);
        PairStats control = PolicyConnect.stats(steps, PolicyConnect.CONTROL);
        assertThat(control.ratio()).isEqualTo(1.0);
        assertThat(PolicyConnect.rounds(new double[] {1.0041, 0.998})).isEqualTo("1.004, 0.998");
    }
}
