package io.lava.jdbc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The guard captures the driver's and pgjdbc's log lines at every level and fails on a registered secret. */
class SecretLeakGuardTest {

    @Test
    void capturesDriverAndPgjdbcLinesAtFinestWithTheirArguments() {
        new SecretLeakGuard(); // loads the class: capturing starts
        Logger.getLogger("io.lava.jdbc.internal.engine.Resolver").log(Level.FINEST, "guard-probe {0}", "driver-argument");
        Logger.getLogger("org.postgresql.core.v3.ConnectionFactoryImpl").finest("guard-probe pgjdbc");
        assertThat(SecretLeakGuard.lines())
                .anySatisfy(line -> assertThat(line).contains("guard-probe", "driver-argument"))
                .anySatisfy(line -> assertThat(line).contains("guard-probe pgjdbc"));
    }

    @Test
    void failsOnASecretInAMessageArgumentOrCauseWithoutRepeatingIt() {
        Set<String> secrets = Set.of("hunter2-Pa55");
        for (String line : List.of("FINE io.lava.jdbc: connecting [hunter2-Pa55]",
                "WARNING io.lava.jdbc: stale | java.sql.SQLException: bad hunter2-Pa55")) {
            assertThatThrownBy(() -> SecretLeakGuard.check(List.of("INFO other: fine", line), secrets))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("<the secret>")
                    .hasMessageNotContaining("hunter2-Pa55");
        }
        assertThatCode(() -> SecretLeakGuard.check(List.of("FINE io.lava.jdbc: connecting [***]"), secrets))
                .doesNotThrowAnyException();
    }

    @Test
    void blankValuesAreNotRegistered() {
        assertThat(SecretLeakGuard.secret(" ")).isEqualTo(" ");
        assertThat(SecretLeakGuard.secret("")).isEmpty();
        assertThat(SecretLeakGuard.secret(null)).isNull();
        Logger.getLogger("io.lava.jdbc").fine("a line with spaces");
        // registered, " " or "" would be found in that line
        assertThatCode(() -> new SecretLeakGuard().afterAll(null)).doesNotThrowAnyException();
    }
}
