package io.lava.jdbc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.internal.pg.PgDelegate;
import io.lava.jdbc.internal.record.ResolvedConnection;
import io.lava.jdbc.internal.request.ConnectionOptions;
import io.lava.jdbc.internal.request.ConnectionRef;
import io.lava.jdbc.internal.request.SslMode;
import io.lava.jdbc.internal.record.LavaType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** How {@code lava-pg psql} builds psql's environment and splits its own arguments from psql's. */
class CliPsqlTest {
    /** As long as a real RDS IAM token (SigV4 presigned URL without scheme): well over lava's .pgpass limit. */
    private static final String TOKEN = "db.example.eu-west-1.rds.amazonaws.com:5432/?Action=connect&DBUser=etl"
            + "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=" + "f".repeat(64) + "&X-Amz-Security-Token="
            + "T".repeat(1200);

    private static ResolvedConnection connection(String password, ResolvedConnection.PasswordSource source,
                                                 SslMode recordMode, String caFile) {
        return new ResolvedConnection("prod", "warehouse", LavaType.POSTGRES_AURORA, "db.internal", 5433, "dw",
                "etl", password, source, recordMode, caFile);
    }

    private static Properties pgProperties(String url, ResolvedConnection c) {
        ConnectionRef ref = ConnectionRef.parse(url, new Properties(), key -> null);
        return PgDelegate.pgProperties(ConnectionOptions.of(ref, key -> null), c, key -> null);
    }

    @Test
    void shortPasswordGoesToThePgpassFileAndNeverToTheEnvironment() {
        ResolvedConnection c = connection("Pa55:w0rd", ResolvedConnection.PasswordSource.SSM_PARAMETER, null, null);
        Map<String, String> inherited = Map.of("PATH", "/usr/bin", "PGPASSWORD", "inherited", "PGHOSTADDR",
                "10.9.9.9", "PGSERVICE", "other", "PGSSLROOTCERT", "/elsewhere.pem", "PGCONNECT_TIMEOUT", "7");
        Map<String, String> env = CliPsql.environment(inherited, c,
                pgProperties("jdbc:lava-pg:prod/warehouse", c), Path.of("/tmp/lava-pg-1.pgpass"));
        assertThat(env).containsEntry("PGHOST", "db.internal").containsEntry("PGPORT", "5433")
                .containsEntry("PGUSER", "etl").containsEntry("PGDATABASE", "dw")
                .containsEntry("PGSSLMODE", "prefer").containsEntry("PGAPPNAME", "lv-prod-warehouse")
                .containsEntry("PGPASSFILE", "/tmp/lava-pg-1.pgpass")
                .containsEntry("PATH", "/usr/bin").containsEntry("PGCONNECT_TIMEOUT", "7")
                .doesNotContainKeys("PGPASSWORD", "PGHOSTADDR", "PGSERVICE", "PGSSLROOTCERT");
        assertThat(env.values()).doesNotContain("Pa55:w0rd");
    }

    @Test
    void iamTokenGoesToPgpasswordAndSslmodeIsAtLeastRequire() {
        ResolvedConnection c = connection(TOKEN, ResolvedConnection.PasswordSource.IAM_TOKEN, null, "/etc/rds.pem");
        Properties pg = pgProperties("jdbc:lava-pg:prod/warehouse?sslmode=disable", c);
        Map<String, String> env = CliPsql.environment(Map.of("PGPASSFILE", "/home/me/.pgpass"), c, pg, null);
        assertThat(env).containsEntry("PGPASSWORD", TOKEN).containsEntry("PGSSLMODE", "require")
                .containsEntry("PGSSLROOTCERT", "/etc/rds.pem").doesNotContainKey("PGPASSFILE");
    }

    @Test
    void stricterModeFromTheRecordOrTheUserIsKept() {
        ResolvedConnection c = connection("pw", ResolvedConnection.PasswordSource.SECRET, SslMode.VERIFY_CA, null);
        assertThat(CliPsql.environment(Map.of(), c, pgProperties("jdbc:lava-pg:prod/warehouse?sslmode=verify-full"
                + "&sslrootcert=/mine.pem", c), Path.of("p"))).containsEntry("PGSSLMODE", "verify-full")
                .containsEntry("PGSSLROOTCERT", "/mine.pem");
    }

    @ParameterizedTest(name = "{0} characters: pgpass file {1}")
    @CsvSource({"1, true", "98, true", "99, false", "1500, false"})
    void lavasLengthRule(int length, boolean inFile) {
        assertThat("x".repeat(length).length() < CliPsql.PGPASS_LIMIT).isEqualTo(inFile);
    }

    @Test
    void pgpassLineEscapesColonsAndBackslashes() {
        ResolvedConnection c = connection("a:b\\c", ResolvedConnection.PasswordSource.SSM_PARAMETER, null, null);
        assertThat(CliPsql.pgpassLine(c)).isEqualTo("db.internal:5433:*:etl:a\\:b\\\\c\n");
    }

    @Test
    void psqlIsFoundOnThePath(@TempDir Path dir) throws Exception {
        Path psql = Files.createFile(dir.resolve("psql"));
        assertThat(psql.toFile().setExecutable(true)).isTrue();
        assertThat(CliPsql.findPsql("/nonexistent:" + dir)).isEqualTo(psql);
    }

    @Test
    void optionsBeforeTheUrlAreOursEverythingAfterItIsPsqls() {
        CommandLine cli = LavaPgCli.commandLine();
        CommandLine.ParseResult parsed = cli.parseArgs("psql", "-p", "awsRegion=eu-west-1", "--psql", "/opt/psql",
                "prod/warehouse", "-p", "5433", "-c", "select 1", "--", "@file", "-X");
        CliPsql psql = (CliPsql) parsed.subcommand().commandSpec().userObject();
        assertThat(psql.target.url).isEqualTo("prod/warehouse");
        assertThat(psql.target.properties).containsExactly(Map.entry("awsRegion", "eu-west-1"));
        assertThat(psql.psql).isEqualTo(Path.of("/opt/psql"));
        assertThat(psql.psqlArgs).containsExactly("-p", "5433", "-c", "select 1", "--", "@file", "-X");
    }

    @Test
    void anotherDriversUrlIsAUsageError() {
        CommandLine cli = LavaPgCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("record", "jdbc:postgresql://db/dw")).isEqualTo(LavaPgCli.USAGE);
        assertThat(err.toString()).contains("'jdbc:postgresql://db/dw' is not a jdbc:lava-pg: URL");
    }
}
