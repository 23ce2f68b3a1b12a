package io.lava.jdbc.internal.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.internal.request.ConnectionRef;
import io.lava.jdbc.testing.Docs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ready policies of docs/security.md are policies the driver reads as the page says. */
class PolicyDocsTest {
    private static final Pattern PROPERTIES_BLOCK = Pattern.compile("```properties\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            A shared Spark cluster           | analytics | db-1.cluster-abc123.eu-west-1.rds.amazonaws.com
            A BI or metadata server          | reporting | 10.20.3.4
            """)
    void eachReadyPolicyIsValidAndServesItsRealm(String heading, String realm, String host) throws IOException {
        Matcher block = PROPERTIES_BLOCK.matcher(Docs.section("docs/security.md", "### " + heading));
        assertThat(block.find()).as("a properties block under %s", heading).isTrue();
        Path file = Files.writeString(dir.resolve("policy.properties"), block.group(1));
        Policy policy = PolicyFile.read(file);
        ConnectionRef admitted = policy.admit(ConnectionRef.parse("jdbc:lava-pg:" + realm + "/warehouse"
                + "?ApplicationName=report", null, k -> null));
        assertThat(admitted.properties()).containsEntry("sslmode", "verify-full").containsEntry("awsRegion",
                "eu-west-1");
        policy.checkHost("the record's host", host);
        assertThat(policy.terseErrors()).isTrue();
    }
}
