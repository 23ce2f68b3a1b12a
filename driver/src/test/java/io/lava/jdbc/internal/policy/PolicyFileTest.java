package io.lava.jdbc.internal.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.ConnectionRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyFileTest {
    @TempDir
    Path dir;

    /** @return the message every connect is refused with, or "in force" */
    private static String refusal(Policy policy) {
        try {
            policy.admit(ConnectionRef.parse("jdbc:lava-pg:acc/x", null, k -> null));
            return "in force";
        } catch (SourceException e) {
            assertThat(e.sqlState()).isEqualTo("08001");
            return e.getMessage();
        }
    }

    @Test
    void noPolicyNamedMeansNone() {
        assertThat(PolicyFile.fromEnvironment(k -> null, k -> null)).isSameAs(Policy.NONE);
        assertThat(PolicyFile.fromEnvironment(k -> " ", k -> "")).isSameAs(Policy.NONE);
    }

    @Test
    void theSystemPropertyWinsOverTheEnvironment() throws IOException {
        Path a = Files.writeString(dir.resolve("a.properties"), "allowedRealms = acc\n");
        Path b = Files.writeString(dir.resolve("b.properties"), "allowedRealms = acc\n");
        Map<String, String> system = Map.of(PolicyFile.SYSTEM_PROPERTY, a.toString());
        Map<String, String> env = Map.of(PolicyFile.ENVIRONMENT_VARIABLE, b.toString());
        assertThat(PolicyFile.fromEnvironment(system::get, env::get).file()).isEqualTo(a.toString());
        assertThat(PolicyFile.fromEnvironment(k -> null, env::get).file()).isEqualTo(b.toString());
    }

    /** Each row: a policy the operator got wrong; every connect is refused, naming the file and the line. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            allowedRealms = acc\\nallowedRealm = prod\\n         | line 2: not a policy key
            # comment\\n\\nterseErrors = yes\\n                  | line 3, key 'terseErrors': not true or false
            minimumSslMode = verify-most\\n                     | line 1, key 'minimumSslMode': not one of
            allowedHosts = db.example.com, 10.0.0.0/33\\n       | line 1, key 'allowedHosts': an entry is neither
            allowedHosts = ,\\n                                 | line 1, key 'allowedHosts': an empty list
            max.recordTtl = -1\\n                               | line 1, key 'max.recordTtl': not a number of seconds
            max.awsRegion = 5\\n                                | line 1, key 'max.awsRegion': no driver property
            awsProfile =\\n                                     | line 1, key 'awsProfile': empty
            """)
    void aMalformedPolicyRefusesEveryConnectNamingTheLine(String text, String problem) throws IOException {
        Path file = Files.writeString(dir.resolve("p.properties"), text.replace("\\n", "\n"));
        Policy policy = PolicyFile.read(file);
        assertThat(policy.inForce()).isTrue();
        assertThat(refusal(policy)).contains(file.toString()).contains("is invalid at " + problem)
                .contains("Every connect is refused");
    }

    @Test
    void aMissingUnreadableOrOversizedPolicyFailsClosed() throws IOException {
        assertThat(refusal(PolicyFile.read(dir.resolve("absent.properties")))).contains("absent.properties")
                .contains("is missing or not a regular file");
        assertThat(refusal(PolicyFile.read(dir))).contains("is missing or not a regular file");
        Path big = Files.write(dir.resolve("big.properties"), new byte[PolicyFile.MAX_BYTES + 1]);
        assertThat(refusal(PolicyFile.read(big))).contains("is larger than 65536 bytes");
        Path latin = Files.write(dir.resolve("latin.properties"), new byte[] {'a', '=', (byte) 0xE9, '\n'});
        assertThat(refusal(PolicyFile.read(latin))).contains("is not UTF-8 text");
    }

    @Test
    void noMessageQuotesTheFilesValues() throws IOException {
        Path file = Files.writeString(dir.resolve("p.properties"), "allowedRealms = acc\nS3cr3t_T0ken_abc123\n");
        assertThat(refusal(PolicyFile.read(file))).doesNotContain("acc").contains("line 2");
        assertThat(refusal(PolicyFile.read(file))).doesNotContain("S3cr3t");
    }

    @Test
    void theDigestIsTheFilesSha256() throws Exception {
        Path file = Files.write(dir.resolve("p.properties"), "allowedRealms = acc\n".getBytes(StandardCharsets.UTF_8));
        assertThat(PolicyFile.read(file).sha256())
                .isEqualTo(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(file))));
    }
}
