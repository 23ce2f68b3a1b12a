package io.lava.jdbc.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.testing.Docs;
import io.lava.jdbc.testing.TestSecrets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's first command runs this program: it must keep working offline, end to end. */
class QuickstartIT {

    @Test
    void theReadmeRunsThisProgram() {
        assertThat(Docs.section("README.md", "# lava-pg-jdbc")).as("README.md, first command")
                .contains("mvn -B -q -DskipTests -pl examples/quickstart -am package exec:java");
    }

    @Test
    void runsOfflineAndExplainsEachStep() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Quickstart.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        original.print(printed);
        assertThat(printed)
                .contains("[1/5]", "[2/5]", "[3/5]", "[4/5]", "[5/5]")
                .contains("connected as etl to warehouse, application_name lv-demo-warehouse")
                .contains("connection class org.postgresql.jdbc.PgConnection")
                .contains("AWS calls in all: DynamoDB GetItem 1, SSM GetParameter 1")
                .endsWith("done: everything was local and has been stopped." + System.lineSeparator());
        // the driver's FINE lines are printed: the demo's password must not be among them
        assertThat(TestSecrets.all()).isNotEmpty()
                .allSatisfy(secret -> assertThat(printed).doesNotContain(secret));
    }
}
