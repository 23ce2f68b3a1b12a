package io.lava.jdbc.internal.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.ConnectionRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyTest {
    @TempDir
    Path dir;

    private Policy policy(String text) throws IOException {
        Path file = dir.resolve("policy.properties");
        Files.writeString(file, text);
        return PolicyFile.read(file);
    }

    private static ConnectionRef ref(String url, Map<String, String> properties) {
        Properties info = new Properties();
        info.putAll(properties);
        return ConnectionRef.parse(url, info, k -> null);
    }

    private static String refusal(Policy policy, String url) {
        try {
            policy.admit(ref(url, Map.of()));
        } catch (SourceException e) {
            return e.sqlState() + " " + e.getMessage();
        }
        return "admitted";
    }

    @Test
    void withoutAPolicyEveryRequestIsAdmittedAsItIs() {
        ConnectionRef ref = ref("jdbc:lava-pg:acc/x?connectionsFile=/tmp/evil.json", Map.of());
        assertThat(Policy.NONE.admit(ref)).isSameAs(ref);
        assertThat(Policy.NONE.inForce()).isFalse();
        Policy.NONE.checkHost("the record's host", "169.254.169.254");
    }

    /** Each row: what a tenant could add to a URL to redirect a secret, or reach another realm's records. */
    @ParameterizedTest
    @ValueSource(strings = {
            "jdbc:lava-pg:acc/x?connectionsFile=/tmp/evil.json",
            "jdbc:lava-pg:acc/x?connectionsTable=lava.other.connections",
            "jdbc:lava-pg:acc/x?connectionsTable=arn:aws:dynamodb:us-east-1:999999999999:table/lava.acc.connections",
            "jdbc:lava-pg:acc/x?awsEndpointUrl=http://169.254.169.254",
            "jdbc:lava-pg:acc/x?awsRegion=local",
            "jdbc:lava-pg:acc/x?awsProfile=other",
            "jdbc:lava-pg:acc/x?iamHost=db.example.com",
            "jdbc:lava-pg:acc/x?iamPort=5433",
            "jdbc:lava-pg:acc/x?database=postgres",
            "jdbc:lava-pg:acc/x?recordTtl=5",
            "jdbc:lava-pg:acc/x?sslfactory=org.postgresql.ssl.NonValidatingFactory",
            "jdbc:lava-pg:acc/x?sslhostnameverifier=x.Y",
            "jdbc:lava-pg:acc/x?sslrootcert=/etc/passwd",
            "jdbc:lava-pg:acc/x?socketFactory=x.Y",
            "jdbc:lava-pg:acc/x?authenticationPluginClassName=x.Y",
            "jdbc:lava-pg:acc/x?xmlFactoryFactory=x.Y",
            "jdbc:lava-pg:acc/x?classLoaderStrategy=x",
            "jdbc:lava-pg:acc/x?%63onnectionsFile=/tmp/evil.json",
            "jdbc:lava-pg:acc/x?ConnectionsFile=/tmp/evil.json",
            "jdbc:lava-pg:acc/x?connectionsFile%09=/tmp/evil.json",
    })
    void propertiesOutsideTheAllowListAreRefusedNamingThem(String url) throws IOException {
        Policy policy = policy("allowedRealms = acc\n");
        assertThat(refusal(policy, url)).startsWith("0A000 property '").contains("may not be set here")
                .contains("allowedProperties");
    }

    @Test
    void theSameKeysAreRefusedFromProperties() throws IOException {
        Policy policy = policy("allowedRealms = acc\n");
        assertThatThrownBy(() -> policy.admit(ref("jdbc:lava-pg:acc/x", Map.of("connectionsFile", "/tmp/e.json"))))
                .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.sqlState()).isEqualTo("0A000"))
                .hasMessageContaining("'connectionsFile'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            jdbc:lava-pg:acc/x?ApplicationName=etl&connectTimeout=5&sslmode=verify-full | admitted
            jdbc:lava-pg:acc/x?user=someone&password=typed                              | admitted
            jdbc:lava-pg:x?realm=acc                                                     | admitted
            jdbc:lava-pg:other/x                                                         | 28000
            jdbc:lava-pg:x?realm=other                                                   | 28000
            jdbc:lava-pg:ACC/x                                                           | 28000
            """)
    void realmsOutsideTheListAreRefusedAndAllowedPropertiesPass(String url, String outcome) throws IOException {
        assertThat(refusal(policy("allowedRealms = acc, prod\n"), url)).startsWith(outcome);
    }

    @Test
    void anotherDatabaseOfTheRecordsServerOnlyWhereThePolicyAllowsIt() throws IOException {
        assertThat(refusal(policy("allowedProperties = database\n"), "jdbc:lava-pg:acc/x?database=sales"))
                .isEqualTo("admitted");
    }

    @Test
    void theOperatorsAllowedPropertiesReplaceTheDefaultList() throws IOException {
        Policy policy = policy("allowedProperties = recordTtl, ApplicationName\n");
        assertThat(refusal(policy, "jdbc:lava-pg:acc/x?recordTtl=30&ApplicationName=a")).isEqualTo("admitted");
        assertThat(refusal(policy, "jdbc:lava-pg:acc/x?connectTimeout=5")).startsWith("0A000 property "
                + "'connectTimeout'");
    }

    @Test
    void fixedSettingsReplaceWhatTheEnvironmentWouldGive() throws IOException {
        Policy policy = policy("awsProfile = shared\nawsRegion = eu-west-1\nconnectionsTable = lava.{realm}.conns\n"
                + "awsEndpointUrl = https://dynamodb.eu-west-1.amazonaws.com\n");
        Map<String, String> admitted = policy.admit(ref("jdbc:lava-pg:acc/x", Map.of())).properties();
        assertThat(admitted).containsEntry("awsProfile", "shared").containsEntry("awsRegion", "eu-west-1")
                .containsEntry("connectionsTable", "lava.acc.conns")
                .containsEntry("awsEndpointUrl", "https://dynamodb.eu-west-1.amazonaws.com");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            recordTtl=300   | admitted
            recordTtl=301   | 0A000 property recordTtl=301 is above 300 seconds
            maxStale=600    | admitted
            maxStale=601    | 0A000 property maxStale=601 is above 600 seconds
            awsApiCallTimeout=10 | admitted
            awsApiCallTimeout=11 | 0A000 property awsApiCallTimeout=11 is above 10 seconds
            """)
    void durationsAboveTheirBoundAreRefused(String query, String outcome) throws IOException {
        Policy policy = policy("allowedProperties = recordTtl, maxStale, awsApiCallTimeout\nmax.recordTtl = 300\n"
                + "max.maxStale = 600\nmax.awsApiCallTimeout = 10\n");
        assertThat(refusal(policy, "jdbc:lava-pg:acc/x?" + query)).startsWith(outcome);
    }

    @Test
    void aDefaultAboveItsBoundIsLoweredToIt() throws IOException {
        Policy policy = policy("max.maxStale = 600\nmax.recordTtl = 600\n");
        Map<String, String> admitted = policy.admit(ref("jdbc:lava-pg:acc/x", Map.of())).properties();
        assertThat(admitted).containsEntry("maxStale", "600").doesNotContainKey("recordTtl");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            -            | verify-full
            disable      | verify-full
            require      | verify-full
            verify-ca    | verify-full
            verify-full  | verify-full
            """)
    void sslmodeIsRaisedToTheMinimum(String asked, String sent) throws IOException {
        Policy policy = policy("minimumSslMode = verify-full\n");
        String url = "jdbc:lava-pg:acc/x" + (asked == null ? "" : "?sslmode=" + asked);
        assertThat(policy.admit(ref(url, Map.of())).properties()).containsEntry("sslmode", sent);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            db.example.com                           | true
            DB.Example.COM.                          | true
            a.cluster-x.eu-west-1.rds.amazonaws.com  | true
            a.b.rds.amazonaws.com                    | true
            rds.amazonaws.com                        | false
            rds.amazonaws.com.evil.org               | false
            evil.org                                 | false
            10.1.2.3                                 | true
            10.255.255.255                           | true
            11.0.0.1                                 | false
            169.254.169.254                          | false
            127.0.0.1                                | false
            127.1                                    | false
            0x7f.0.0.1                               | false
            fd00::1                                  | true
            [fd00::1]                                | true
            ::1                                      | false
            ::ffff:10.0.0.1                          | true
            192.0.2.7                                | true
            192.0.2.8                                | false
            """)
    void hostsMatchGlobsAndRangesOnly(String host, boolean allowed) throws IOException {
        Policy policy = policy("allowedHosts = db.example.com, *.rds.amazonaws.com, 10.0.0.0/8, fd00::/8, "
                + "192.0.2.7\n");
        if (allowed) {
            policy.checkHost("the record's host", host);
        } else {
            assertThatThrownBy(() -> policy.checkHost("the record's host", host))
                    .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.sqlState()).isEqualTo("28000"))
                    .hasMessageContaining("allowedHosts");
        }
    }

    @Test
    void aPolicyReportsItsFileAndDigest() throws IOException {
        Policy policy = policy("allowedRealms = acc\n");
        assertThat(policy.inForce()).isTrue();
        assertThat(policy.file()).endsWith("policy.properties");
        // SHA-256 of the bytes "allowedRealms = acc\n"
        assertThat(policy.sha256()).hasSize(64).matches("[0-9a-f]+");
        assertThat(policy.terseErrors()).isFalse();
        assertThat(policy.toString()).doesNotContain("acc");
    }
}
