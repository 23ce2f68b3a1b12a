package io.lava.jdbc.it.failures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.hook.TestHook;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Run only by the {@code under-policy} failsafe execution (driver/pom.xml), beside the tool tests it re-runs: the
 * shared engine of that JVM really is under the harness policy, so their passing means legitimate connects pass with
 * a policy in force, not that the policy was missing. Its name matches no default include, so the default execution
 * never runs it.
 */
@ExtendWith(SecretLeakGuard.class)
class UnderPolicyCheck {
    @Test
    void theSharedEngineIsUnderTheHarnessPolicy() throws Exception {
        String named = System.getProperty("io.lava.jdbc.policy");
        assertThat(named).as("-Dio.lava.jdbc.policy").endsWith("harness-policy.properties");
        assertThat(TestHook.metrics().getPolicyFile()).isEqualTo(named);
        assertThat(TestHook.metrics().getPolicySha256()).hasSize(64);
        Path evil = Files.createTempFile("evil", ".json");
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:lava-pg:acc/x?connectionsFile=" + evil))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("0A000"))
                .hasMessageContaining("'connectionsFile'");
    }
}
