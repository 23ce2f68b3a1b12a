package io.lava.jdbc.it.tools;

import io.lava.jdbc.testing.Slow;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.it.credentials.StsStub;
import io.lava.jdbc.it.packaging.ShadedJarIT;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.lava.jdbc.cli.LavaPgCli;
import io.lava.jdbc.internal.Version;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.ChildJvm;
import io.lava.jdbc.testing.ChildJvm.Run;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import io.lava.jdbc.testing.TestSecrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The drop-in jar end to end: each test runs {@code java -jar lava-pg-jdbc-<version>-all.jar ...} in a JVM of its own,
 * with only that jar on the class path and a clean environment, against the throwaway PostgreSQL (TLS on offer) and
 * the local AWS endpoints. So everything here runs on the relocated AWS SDK, Caffeine and picocli.
 */
@Slow
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class CliIT {
    private static final String REALM = "cli";
    private static final String TABLE = "lava." + REALM + ".connections";
    /** With a ':' and a '\\', which a .pgpass line must escape. */
    private static final String PASSWORD = "cli-Pa55:w0rd\\x";
    /** Longer than lava's 98-character limit for a .pgpass file, so it travels in PGPASSWORD. */
    private static final String LONG_PASSWORD = "L".repeat(60) + "-long-Pa55-" + "g".repeat(60);
    private static final String SECRET_PASSWORD = "cli-secret-Pa55";

    private static LocalPostgres pg;
    private static LocalAws aws;
    private static StsStub sts;

    @TempDir
    static Path home;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws Exception {
        pg = postgres;
        aws = localAws;
        sts = new StsStub();
        pg.createRole("cli_etl", PASSWORD);
        pg.createRole("cli_long", LONG_PASSWORD);
        pg.createRole("cli_sm", SECRET_PASSWORD);
        pg.createTlsOnlyRole("cli_iam", "not-a-token-" + System.nanoTime());
        pg.createDatabase("cli_db", "cli_etl");
        pg.createDatabase("cli_other", "cli_etl");
        aws.createConnectionsTable(REALM);
        aws.putParameter("/lava/cli/etl", PASSWORD);
        aws.putParameter("/lava/cli/long", LONG_PASSWORD);
        aws.putSecret("/lava/cli/sm", "{\"username\":\"cli_sm\",\"password\":\"" + SECRET_PASSWORD + "\"}");
        put(record("warehouse", "postgres", "cli_etl", "/lava/cli/etl"));
        put(record("long", "postgres", "cli_long", "/lava/cli/long"));
        put(record("db/psql/local", "postgres", "cli_etl", "/lava/cli/etl"));
        Map<String, Object> secret = record("from-secret", "postgres-aurora", null, null);
        secret.put("secret_id", "/lava/cli/sm");
        put(secret);
        put(record("aurora", "postgres-aurora", "cli_iam", null));
        put(record("no-parameter", "postgres", "cli_etl", "/lava/cli/missing"));
        Map<String, Object> off = record("off", "postgres", "cli_etl", "/lava/cli/etl");
        off.put("enabled", false);
        put(off);
    }

    @AfterAll
    static void tearDown() {
        if (sts != null) {
            sts.close();
        }
    }

    private static Map<String, Object> record(String connId, String type, String user, String parameter) {
        Map<String, Object> r = LavaRealm.postgresRecord(connId, pg, "cli_db", user, parameter);
        r.put("type", type);
        return r;
    }

    private static void put(Map<String, Object> record) {
        aws.putRecord(TABLE, record);
    }

    /** The URL of a record of this realm, with the local AWS endpoint in its query. */
    private static String url(String connId) {
        return "jdbc:lava-pg:" + REALM + "/" + connId + "?awsEndpointUrl=" + aws.endpoint() + "&awsRegion=us-east-1";
    }

    // ---- running the jar ------------------------------------------------------------------------------------------

    /** The child's environment: PATH, an empty home and temp directory, and the harness's static AWS credentials. */
    private static Map<String, String> env() {
        return ChildJvm.cleanEnvironment(home);
    }

    private static Run cli(String... args) {
        return cli(env(), args);
    }

    private static Run cli(Map<String, String> env, String... args) {
        return cli(env, home.resolve("tmp"), args);
    }

    private static Run cli(Map<String, String> env, Path tmpDir, String... args) {
        return cli(env, tmpDir, process -> { }, args);
    }

    /**
     * Runs {@code java -jar <the -all jar> args} in a new JVM with exactly {@code env}; at most two minutes.
     * {@code started} is called once the process runs. No run prints an SLF4J line ("No SLF4J providers were found",
     * "Failed to load class", "Defaulting to no-operation").
     */
    private static Run cli(Map<String, String> env, Path tmpDir, Consumer<Process> started, String... args) {
        List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-Duser.home=" + home,
                "-Djava.io.tmpdir=" + tmpDir, "-jar", ShadedJarIT.allJar().toString()));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(tmpDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Run run = ChildJvm.run(command, env, Duration.ofMinutes(2), started);
        assertThat(run.all()).as("SLF4J's warnings (the bundled no-op binding must match the bundled slf4j-api)")
                .doesNotContain("SLF4J");
        return run;
    }

    private static void noSecretIn(Run run) {
        assertThat(run.all()).doesNotContain(PASSWORD, LONG_PASSWORD, SECRET_PASSWORD, "X-Amz-Signature",
                "lava-test-secret-key", "sts-test-secret-key", "sts-test-session-token");
    }

    // ---- check ----------------------------------------------------------------------------------------------------

    /**
     * {@code check} takes the driver's connect path, rotation retry included: SSM first answers with a password the
     * server no longer takes (a rotation between read and connect), the check reads it again, connects, and says so.
     */
    @Test
    void checkRetriesOnceWithFreshCredentialsAndSaysSo() throws Exception {
        String rotated = "cli-rot-new-Pa55";
        String stale = TestSecrets.register("cli-rot-old-Pa55");
        pg.createRole("cli_rot", rotated);
        aws.putParameter("/lava/cli/rot", rotated);
        Map<String, Object> r = record("rotated", "postgres", "cli_rot", "/lava/cli/rot");
        r.put("database", "postgres");
        put(r);
        WireMockServer front = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        front.start();
        try {
            front.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(aws.endpoint())));
            front.stubFor(post(anyUrl()).atPriority(1).inScenario("rotation").whenScenarioStateIs(STARTED)
                    .withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParameter"))
                    .withRequestBody(containing("/lava/cli/rot"))
                    .willSetStateTo("rotated")
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                            .withBody("{\"Parameter\":{\"Name\":\"/lava/cli/rot\",\"Type\":\"SecureString\","
                                    + "\"Value\":\"" + stale + "\",\"Version\":1}}")));
            Run run = cli("check", "jdbc:lava-pg:cli/rotated?awsEndpointUrl=" + front.baseUrl()
                    + "&awsRegion=us-east-1");
            assertThat(run.exitCode()).as(run.all()).isZero();
            assertThat(run.out()).contains("lava-pg check cli/rotated: connected")
                    .containsPattern("user: +cli_rot\n")
                    .containsPattern("retry: +the server refused the first credentials \\(SQLState 28P01\\); they "
                            + "were read again from their source and accepted\n");
            assertThat(run.all()).doesNotContain(stale, rotated);
            noSecretIn(run);
        } finally {
            front.stop();
        }
    }

    @Test
    void checkResolvesThroughDynamoDbAndSsmAndConnectsOverTls() {
        int signed = aws.callsSignedBy("AmazonSSM.GetParameter", "AKIDLAVATEST");
        Run run = cli("check", url("warehouse"));
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out())
                .contains("lava-pg check cli/warehouse: connected")
                .containsPattern("server: +PostgreSQL \\d+\\.\\d+.* at " + pg.host() + ":" + pg.port())
                .containsPattern("user: +cli_etl\n")
                .containsPattern("database: +cli_db\n")
                .containsPattern("tls: +TLSv1\\.[23] \\S+\n")
                .containsPattern("credentials: +SSM parameter\n")
                .containsPattern("record +\\d+\\.\\d  .*DynamoDB table 'lava\\.cli\\.connections' \\(us-east-1\\)\n")
                .containsPattern("parameter +\\d+\\.\\d  .*/lava/cli/etl")
                .containsPattern("connect +\\d+\\.\\d  pgjdbc jdbc:postgresql://");
        assertThat(run.err()).as("nothing on stderr (no SLF4J warning either)").isEmpty();
        noSecretIn(run);
        assertThat(aws.callsSignedBy("AmazonSSM.GetParameter", "AKIDLAVATEST")).isEqualTo(signed + 1);
    }

    /** The driver's own logging at FINEST, and pgjdbc's at FINE, on the console of the child JVM: no secret. */
    @Test
    void checkLogsNoSecretAtFinest() throws IOException {
        Path config = Files.writeString(home.resolve("logging.properties"), """
                handlers = java.util.logging.ConsoleHandler
                java.util.logging.ConsoleHandler.level = ALL
                io.lava.jdbc.level = FINEST
                org.postgresql.level = FINE
                """);
        Map<String, String> env = env();
        env.put("JAVA_TOOL_OPTIONS", "-Djava.util.logging.config.file=" + config);
        for (String connId : List.of("warehouse", "long", "from-secret")) {
            Run run = cli(env, "check", url(connId));
            assertThat(run.exitCode()).as(run.all()).isZero();
            assertThat(run.err()).contains("connecting to jdbc:postgresql://");
            noSecretIn(run);
        }
        Run iam = cli(env, "check", url("aurora"));
        assertThat(iam.err()).contains("raised to require", "SQLState: 28P01");
        noSecretIn(iam);
    }

    @Test
    void checkTakesPropertiesAndAShortUrl() {
        Run run = cli("check", "-p", "awsEndpointUrl=" + aws.endpoint(), "-p", "awsRegion=us-east-1",
                "-p", "sslmode=disable", REALM + "/warehouse");
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).containsPattern("tls: +no TLS\n");
    }

    @Test
    void checkReachesAnotherDatabaseOfTheRecordsServerWithDatabase() {
        Run run = cli("check", "--database", "cli_other", url("warehouse"));
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).containsPattern("user: +cli_etl\n").containsPattern("database: +cli_other\n")
                .containsPattern("server: +PostgreSQL .* at " + pg.host() + ":" + pg.port());
        noSecretIn(run);
    }

    @Test
    void checkTakesAConnIdWithSlashes() {
        Run run = cli("check", "-p", "awsEndpointUrl=" + aws.endpoint(), "-p", "awsRegion=us-east-1",
                REALM + "/db/psql/local");
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).contains("lava-pg check cli/db/psql/local: connected")
                .containsPattern("user: +cli_etl\n");
    }

    @Test
    void checkWithASecret() {
        Run run = cli("check", url("from-secret"));
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).containsPattern("user: +cli_sm\n")
                .containsPattern("credentials: +Secrets Manager secret\n")
                .containsPattern("secret +\\d+\\.\\d  .*/lava/cli/sm");
        noSecretIn(run);
    }

    /**
     * The child JVM signs its own RDS IAM token with the relocated SDK; the server holds another password for the
     * TLS-only role, so it refuses the token with 28P01 after the TLS handshake. Over plain TCP the role would have
     * been rejected with 28000 before any password was asked for.
     */
    @Test
    void checkMintsAnIamTokenAndSendsItOnlyOverTls() {
        Run run = cli("check", url("aurora") + "&sslmode=disable");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(LavaPgCli.FAILED);
        assertThat(run.err()).contains("SQLState: 28P01", "refused the RDS IAM token", "conn_id 'aurora'");
        assertThat(run.out()).isEmpty();
        noSecretIn(run);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "cli/ghost        | 08001 | record: no such connection in DynamoDB table 'lava.cli.connections'",
        "nosuchrealm/any  | 08001 | record: DynamoDB table 'lava.nosuchrealm.connections'",
        "cli/no-parameter | 08001 | parameter: SSM parameter '/lava/cli/missing' does not exist",
        "cli/off          | 28000 | record: connection not enabled"})
    void checkFailuresExitWithTheSqlState(String target, String sqlState, String message) {
        Run run = cli("check", "-p", "awsEndpointUrl=" + aws.endpoint(), "-p", "awsRegion=us-east-1", target);
        assertThat(run.exitCode()).as(run.all()).isEqualTo(LavaPgCli.FAILED);
        assertThat(run.err()).contains("SQLState: " + sqlState, message);
        assertThat(run.out()).isEmpty();
    }

    // ---- credentials from STS, through the relocated factories the SDK loads by name ------------------------------

    /** IRSA / web identity: no access key in the environment, only a token file and a role. */
    @Test
    void webIdentityCredentialsUnderRelocation() throws IOException {
        Path token = Files.writeString(home.resolve("web-identity-token"), "eyJhbGciOiJSUzI1NiJ9.lava-cli.test");
        Map<String, String> env = env();
        env.remove("AWS_ACCESS_KEY_ID");
        env.remove("AWS_SECRET_ACCESS_KEY");
        env.put("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString());
        env.put("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/lava-etl");
        env.put("AWS_ROLE_SESSION_NAME", "lava-cli");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL_STS", sts.endpoint());
        int before = sts.requests("AssumeRoleWithWebIdentity").size();

        Run run = cli(env, "check", url("warehouse"));

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).containsPattern("user: +cli_etl\n");
        List<LoggedRequest> calls = sts.requests("AssumeRoleWithWebIdentity");
        assertThat(calls).hasSize(before + 1);
        assertThat(calls.get(calls.size() - 1).getBodyAsString())
                .contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Flava-etl",
                        "WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.lava-cli.test");
        assertThat(aws.callsSignedBy("DynamoDB_20120810.GetItem", StsStub.WEB_IDENTITY_KEY)).isPositive();
        assertThat(aws.callsSignedBy("AmazonSSM.GetParameter", StsStub.WEB_IDENTITY_KEY)).isPositive();
        noSecretIn(run);
    }

    /** awsProfile naming a profile that assumes a role from a source profile. */
    @Test
    void assumeRoleProfileUnderRelocation() throws IOException {
        Path config = Files.writeString(home.resolve("aws-config-assume"), """
                [profile lava-assume]
                role_arn = arn:aws:iam::123456789012:role/lava-reader
                source_profile = lava-source
                region = us-east-1

                [profile lava-source]
                aws_access_key_id = AKIDLAVASOURCE
                aws_secret_access_key = source-secret-key
                """);
        Map<String, String> env = env();
        env.remove("AWS_ACCESS_KEY_ID");
        env.remove("AWS_SECRET_ACCESS_KEY");
        env.put("AWS_CONFIG_FILE", config.toString());
        env.put("AWS_ENDPOINT_URL_STS", sts.endpoint());

        Run run = cli(env, "check", "-p", "awsProfile=lava-assume", "-p", "awsEndpointUrl=" + aws.endpoint(),
                REALM + "/warehouse");

        assertThat(run.exitCode()).as(run.all()).isZero();
        List<LoggedRequest> calls = sts.requests("AssumeRole");
        assertThat(calls).isNotEmpty();
        assertThat(calls.get(calls.size() - 1).getHeader("Authorization")).contains("Credential=AKIDLAVASOURCE/");
        assertThat(aws.callsSignedBy("AmazonSSM.GetParameter", StsStub.ASSUMED_ROLE_KEY)).isPositive();
        assertThat(run.all()).doesNotContain("source-secret-key");
    }

    // ---- record ---------------------------------------------------------------------------------------------------

    @Test
    void recordPrintsTheConnectionWithThePasswordRedacted() {
        Run run = cli("record", url("warehouse"));
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out())
                .containsPattern("realm: +cli\n").containsPattern("conn_id: +warehouse\n")
                .containsPattern("type: +postgres\n")
                .containsPattern("host: +" + pg.host() + "\n").containsPattern("port: +" + pg.port() + "\n")
                .containsPattern("database: +cli_db\n").containsPattern("user: +cli_etl\n")
                .containsPattern("password: +\\(redacted\\)\n")
                .containsPattern("credentials: +SSM parameter\n")
                .containsPattern("sslmode: +prefer \\(pgjdbc's default\\)\n")
                .containsPattern("application: +lv-cli-warehouse\n")
                .containsPattern("resolved from: .*DynamoDB table 'lava\\.cli\\.connections' \\(us-east-1\\)\n"
                        + " {15}.*/lava/cli/etl");
        noSecretIn(run);
    }

    @Test
    void recordOfAnIamConnectionShowsTheEnforcedTls() {
        Run run = cli("record", url("aurora") + "&sslmode=allow");
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out())
                .containsPattern("credentials: +RDS IAM token\n")
                .containsPattern(" {15}RDS IAM token for cli_iam@" + pg.host() + ":" + pg.port() + " in us-east-1")
                .containsPattern("sslmode: +require\n");
        noSecretIn(run);
    }

    // ---- psql -----------------------------------------------------------------------------------------------------

    /** What psql's environment says about the password, without printing it. */
    private static final String SHOW_PASSWORD_ENV = "\\! sh -c 'echo PGPASSFILE=${PGPASSFILE:-unset}; "
            + "echo PGPASSWORD=${PGPASSWORD:+set}; [ -n \"$PGPASSFILE\" ] && stat -c mode=%a \"$PGPASSFILE\"; "
            + "echo PGSSLMODE=$PGSSLMODE PGAPPNAME=$PGAPPNAME'";

    @Test
    void psqlWithAShortPasswordReadsItFromAPrivatePgpassFile() throws IOException {
        Path tmp = home.resolve("psql-short");
        Map<String, String> env = env();
        env.put("PGPASSWORD", "an-inherited-password"); // dropped: it would win over the .pgpass file
        Run run = cli(env, tmp, "psql", url("warehouse"), "-At", "-c", "select current_user", "-c", SHOW_PASSWORD_ENV);
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).startsWith("cli_etl\n")
                .containsPattern("PGPASSFILE=" + Pattern.quote(tmp.toString()) + "/lava-pg-\\d+\\.pgpass\n")
                .contains("PGPASSWORD=\n", "mode=600\n", "PGSSLMODE=prefer PGAPPNAME=lv-cli-warehouse\n");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("the .pgpass file is deleted when psql exits").isEmpty();
        }
        noSecretIn(run);
    }

    @Test
    void psqlWithALongPasswordGetsItInPgpassword() throws IOException {
        Path tmp = home.resolve("psql-long");
        Run run = cli(env(), tmp, "psql", url("long"), "-At", "-c", "select current_user", "-c", SHOW_PASSWORD_ENV);
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).startsWith("cli_long\n").contains("PGPASSFILE=unset\n", "PGPASSWORD=set\n");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).isEmpty();
        }
        noSecretIn(run);
    }

    @Test
    void psqlGetsLavasFlagsAndItsExitCodeIsReturned() {
        Run ok = cli("psql", url("warehouse"), "-c", "select 42 as answer");
        assertThat(ok.exitCode()).as(ok.all()).isZero();
        assertThat(ok.out()).contains("answer", "42").doesNotContain("(1 row)"); // --pset footer=off
        Run failed = cli("psql", url("warehouse"), "-c", "select no_such_column");
        assertThat(failed.exitCode()).as(failed.all()).isEqualTo(1);
        assertThat(failed.err()).contains("no_such_column");
    }

    /**
     * Ctrl-C reaches the JVM and psql alike; psql cancels its query and carries on. The JVM must outlive it, or psql
     * would be orphaned and its exit code lost. Here SIGINT goes to the JVM alone, while psql sleeps.
     */
    @Test
    void anInterruptDoesNotEndTheCliWhilePsqlRuns() {
        Run run = cli(env(), home.resolve("tmp"), process -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (process.children().noneMatch(p -> p.info().command().orElse("").endsWith("psql"))) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new AssertionError("psql did not start");
                }
                Thread.onSpinWait();
            }
            try {
                assertThat(new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor())
                        .isZero();
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        }, "psql", url("warehouse"), "-At", "-c", "select pg_sleep(2), 'psql finished'");
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).contains("psql finished");
    }

    // ---- help and version -----------------------------------------------------------------------------------------

    @Test
    void versionAndHelp() {
        Run version = cli("--version");
        assertThat(version.exitCode()).isZero();
        // the -all jar's own bundled pgjdbc and (relocated) AWS SDK, and the commit of this build
        assertThat(version.out()).isEqualTo("lava-pg-jdbc " + Version.FULL + "\n"
                + "pgjdbc " + org.postgresql.util.DriverInfo.DRIVER_VERSION + "\n"
                + "AWS SDK for Java " + software.amazon.awssdk.core.util.VersionInfo.SDK_VERSION + "\n"
                + "commit " + Version.COMMIT + "\n");
        Run help = cli("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: lava-pg", "check", "record", "psql", "Exit codes:");
        Run usage = cli("check");
        assertThat(usage.exitCode()).isEqualTo(LavaPgCli.USAGE);
        assertThat(usage.err()).contains("Missing required parameter: '<url>'");
    }
}
