package io.lava.jdbc.it.failures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.TestEngine;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.ChildJvm;
import io.lava.jdbc.testing.Impostor;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import io.lava.jdbc.testing.Sql;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator's policy (docs/security.md) against what a tenant who writes only a URL could try, each row on an engine
 * under a policy that serves realm {@code acc} and its database host, with the AWS settings fixed by the policy: the
 * refusal and its SQLState, that no AWS call was made where the policy refuses up front, and that nothing reached a
 * listener standing in for the tenant's own server. Legitimate connects under the same policy succeed.
 */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class OperatorPolicyIT {
    private static final String PASSWORD = "policy-Pa55-w0rd!";
    private static final String TABLE = LocalAws.connectionsTable("acc");

    @TempDir
    static Path dir;
    private static LocalPostgres pg;
    private static LocalAws aws;
    private static Impostor impostor;
    private static Path evil;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws Exception {
        pg = postgres;
        aws = localAws;
        LavaRealm.create(aws, pg, "acc").postgresWithDatabase("warehouse", "policy_dw", "policy_etl", PASSWORD);
        LavaRealm.create(aws, pg, "other").postgres("warehouse", "policy_dw", "policy_etl", PASSWORD);
        impostor = Impostor.start();
        // a record the realm's table should never hold: the realm's real parameter, the tenant's host
        Map<String, Object> forged = LavaRealm.postgresRecord("forged", pg, "policy_dw", "policy_etl",
                "/lava/acc/policy_etl");
        forged.put("host", "127.0.0.2");
        forged.put("port", new BigDecimal(impostor.port()));
        aws.putRecord(TABLE, forged);
        // a record whose credentials are a secret RDS manages, named outside /lava/<realm>/
        Map<String, Object> managed = LavaRealm.postgresRecord("managed", pg, "policy_dw", null, null);
        managed.remove("user");
        managed.put("secret_id", "rds!cluster-policy-1234");
        aws.putRecord(TABLE, managed);
        aws.putSecret("rds!cluster-policy-1234", "{\"username\":\"policy_etl\",\"password\":\"" + PASSWORD + "\"}");
        evil = Files.writeString(dir.resolve("evil.json"), "{\"x\": {\"conn_id\": \"x\", \"type\": \"postgres\", "
                + "\"enabled\": true, \"host\": \"127.0.0.1\", \"port\": " + impostor.port() + ", \"database\": \"d\", "
                + "\"user\": \"policy_etl\", \"password\": \"/lava/acc/policy_etl\"}}");
    }

    @AfterAll
    static void tearDown() {
        impostor.close();
    }

    private static Path policy(String extra) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "policy", ".properties"), "allowedRealms = acc\n"
                + "allowedHosts = " + pg.host() + "\nawsEndpointUrl = " + aws.endpoint() + "\nawsRegion = us-east-1\n"
                + extra);
    }

    @Test
    void legitimateConnectsPassWithTheAwsSettingsThePolicyFixes() throws Exception {
        try (TestEngine engine = TestEngine.underPolicy(policy("minimumSslMode = require\n"));
             Connection c = engine.connect("jdbc:lava-pg:acc/warehouse?ApplicationName=reports&user=x&password=y",
                     new Properties())) {
            assertThat(Sql.value(c, "select current_user")).isEqualTo("policy_etl");
            assertThat(Sql.value(c, "select current_setting('application_name')")).isEqualTo("reports");
            if (pg.tlsEnabled()) {
                assertThat(Sql.value(c, "select ssl from pg_stat_ssl where pid = pg_backend_pid()")).isEqualTo("t");
            }
            assertThat(engine.metrics().getPolicyFile()).endsWith(".properties");
            assertThat(engine.metrics().getPolicySha256()).hasSize(64);
        }
    }

    static List<Object[]> attacks() {
        return List.of(
                new Object[] {"forged records file", "jdbc:lava-pg:acc/x?connectionsFile=EVIL", "0A000", 0},
                new Object[] {"forged file, percent-encoded key", "jdbc:lava-pg:acc/x?%63onnectionsFile=EVIL", "0A000",
                        0},
                new Object[] {"another table", "jdbc:lava-pg:acc/warehouse?connectionsTable=lava.other.connections",
                        "0A000", 0},
                new Object[] {"another account's table", "jdbc:lava-pg:acc/warehouse?connectionsTable="
                        + "arn:aws:dynamodb:us-east-1:999999999999:table/lava.acc.connections", "0A000", 0},
                new Object[] {"endpoint of the tenant", "jdbc:lava-pg:acc/warehouse?awsEndpointUrl=http://127.0.0.1:"
                        + "IMPOSTOR", "0A000", 0},
                new Object[] {"instance metadata as endpoint", "jdbc:lava-pg:acc/warehouse?awsEndpointUrl="
                        + "http://169.254.169.254", "0A000", 0},
                new Object[] {"awsRegion=local", "jdbc:lava-pg:acc/warehouse?awsRegion=local", "0A000", 0},
                new Object[] {"another profile", "jdbc:lava-pg:acc/warehouse?awsProfile=prod-admin", "0A000", 0},
                new Object[] {"iamHost of the tenant", "jdbc:lava-pg:acc/warehouse?iamHost=127.0.0.2", "0A000", 0},
                new Object[] {"another realm", "jdbc:lava-pg:other/warehouse", "28000", 0},
                new Object[] {"another realm by property", "jdbc:lava-pg:warehouse?realm=other", "28000", 0},
                new Object[] {"non-validating TLS", "jdbc:lava-pg:acc/warehouse?sslfactory="
                        + "org.postgresql.ssl.NonValidatingFactory", "0A000", 0},
                new Object[] {"a socket factory", "jdbc:lava-pg:acc/warehouse?socketFactory=javax.net.SocketFactory",
                        "0A000", 0},
                new Object[] {"a TTL flood", "jdbc:lava-pg:acc/warehouse?recordTtl=7&maxStale=9", "0A000", 0},
                new Object[] {"a record naming the tenant's host", "jdbc:lava-pg:acc/forged", "28000", 1});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void eachAttackIsRefusedBeforeAnythingReachesTheImpostor(String name, String url, String sqlState, int getItems)
            throws Exception {
        String target = url.replace("EVIL", evil.toString()).replace("IMPOSTOR", String.valueOf(impostor.port()));
        int records = aws.calls("DynamoDB_20120810.GetItem");
        int parameters = aws.calls("AmazonSSM.GetParameter");
        try (TestEngine engine = TestEngine.underPolicy(policy(""))) {
            assertThatThrownBy(() -> engine.connect(target, new Properties()).close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(sqlState));
        }
        assertThat(aws.calls("DynamoDB_20120810.GetItem") - records).as("records read").isEqualTo(getItems);
        assertThat(aws.calls("AmazonSSM.GetParameter") - parameters).as("parameters read").isZero();
        assertThat(impostor.connections()).as("connections to the impostor").isZero();
        assertThat(impostor.receivedAny(PASSWORD)).as("the password at the impostor").isFalse();
    }

    /**
     * The same table through each jar users run, in a JVM of its own started as an operator starts one: the policy
     * given as {@code -Dio.lava.jdbc.policy}, the jar alone on the class path (the probe reaches the driver through
     * {@code DriverManager} only), then one legitimate connect in a second JVM.
     */
    @ParameterizedTest
    @EnumSource(ErrorShapesIT.Jar.class)
    void theTableHoldsInEachJarInAJvmOfItsOwn(ErrorShapesIT.Jar jar) throws Exception {
        Path policy = policy("");
        StringBuilder cases = new StringBuilder();
        List<Object[]> rows = attacks();
        for (int i = 0; i < rows.size(); i++) {
            String url = ((String) rows.get(i)[1]).replace("EVIL", evil.toString())
                    .replace("IMPOSTOR", String.valueOf(impostor.port()));
            cases.append("a").append(i).append("\tdriver\t").append(url).append('\n');
        }
        int parameters = aws.calls("AmazonSSM.GetParameter");
        Properties results = probe(jar, policy, cases.toString());
        for (int i = 0; i < rows.size(); i++) {
            assertThat(results.getProperty("a" + i + ".outcome")).as("%s: %s", jar, rows.get(i)[0])
                    .isEqualTo("SQLException");
            assertThat(results.getProperty("a" + i + ".sqlState")).as("%s: %s", jar, rows.get(i)[0])
                    .isEqualTo(rows.get(i)[2]);
        }
        assertThat(aws.calls("AmazonSSM.GetParameter") - parameters).as("parameters read").isZero();
        assertThat(impostor.connections()).as("connections to the impostor").isZero();

        Properties legitimate = probe(jar, policy, "ok\tdriver\tjdbc:lava-pg:acc/warehouse?ApplicationName=probe\n"
                + "ds\tdatasource\tjdbc:lava-pg:acc/warehouse\n"
                + "dsforged\tdatasource\tjdbc:lava-pg:acc/x?connectionsFile=" + evil + "\n");
        assertThat(legitimate.getProperty("ok.outcome")).as("%s: %s", jar, legitimate).isEqualTo("connected");
        assertThat(legitimate.getProperty("ds.outcome")).as("%s: %s", jar, legitimate).isEqualTo("connected");
        assertThat(legitimate.getProperty("dsforged.sqlState")).as("%s: %s", jar, legitimate).isEqualTo("0A000");
    }

    /** The command line obeys the same policy: {@code lava-pg check} of a forged URL is refused, a real one passes. */
    @Test
    void theCommandLineObeysThePolicy() throws Exception {
        Path policy = policy("");
        Path home = Files.createTempDirectory(dir, "cli");
        ChildJvm.Run forged = ChildJvm.run(List.of(ChildJvm.java(), "-Duser.home=" + home,
                        "-Dio.lava.jdbc.policy=" + policy, "-jar", ErrorShapesIT.classPath(ErrorShapesIT.Jar.ALL),
                        "check", "acc/x?connectionsFile=" + evil),
                ChildJvm.cleanEnvironment(home), Duration.ofMinutes(2));
        assertThat(forged.exitCode()).as(forged.all()).isNotZero();
        assertThat(forged.err()).contains("SQLState: 0A000", "'connectionsFile'");
        ChildJvm.Run real = ChildJvm.run(List.of(ChildJvm.java(), "-Duser.home=" + home,
                        "-Dio.lava.jdbc.policy=" + policy, "-jar", ErrorShapesIT.classPath(ErrorShapesIT.Jar.ALL),
                        "check", "acc/warehouse"),
                ChildJvm.cleanEnvironment(home), Duration.ofMinutes(2));
        assertThat(real.exitCode()).as(real.all()).isZero();
        assertThat(impostor.connections()).isZero();
    }

    private static Properties probe(ErrorShapesIT.Jar jar, Path policy, String cases) throws IOException {
        return ErrorShapesIT.probeResults(Files.createTempDirectory(dir, "jvm"),
                List.of("-Dio.lava.jdbc.policy=" + policy), ErrorShapesIT.classPath(jar), cases);
    }

    @Test
    void secretsOutsideTheRealmOnlyWhereThePolicyAllowsThem() throws Exception {
        try (TestEngine engine = TestEngine.underPolicy(policy(""))) {
            assertThatThrownBy(() -> engine.connect("jdbc:lava-pg:acc/managed", new Properties()))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"))
                    .hasMessageContaining("rds!cluster-policy-1234");
        }
        try (TestEngine engine = TestEngine.underPolicy(policy("allowedSecretPrefixes = rds!\n"));
             Connection c = engine.connect("jdbc:lava-pg:acc/managed", new Properties())) {
            assertThat(Sql.value(c, "select current_user")).isEqualTo("policy_etl");
        }
    }

    @Test
    void terseErrorsGiveTheTenantAReferenceAndTheOperatorTheDetail() throws Exception {
        List<LogRecord> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("io.lava.jdbc");
        logger.addHandler(handler);
        try (TestEngine engine = TestEngine.underPolicy(policy("terseErrors = true\n"))) {
            SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> engine.connect("jdbc:lava-pg:acc/forged", new Properties()));
            assertThat(e.getSQLState()).isEqualTo("28000");
            assertThat(e.getMessage()).contains("reference").doesNotContain("127.0.0.2").doesNotContain("forged")
                    .doesNotContain("allowedHosts");
            assertThat(e.getCause()).isNull();
            String reference = e.getMessage().replaceAll(".*reference ([0-9a-f]{8}).*", "$1");
            assertThat(logged).anySatisfy(r -> {
                assertThat(r.getLevel()).isEqualTo(Level.INFO);
                assertThat(r.getMessage()).contains(reference);
                assertThat(r.getThrown().getMessage()).contains("127.0.0.2").contains("allowedHosts");
            });
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void aBrokenPolicyRefusesEveryConnect() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.properties"), "allowedRealms = acc\nterseErrors = maybe\n");
        try (TestEngine engine = TestEngine.underPolicy(broken)) {
            assertThatThrownBy(() -> engine.connect("jdbc:lava-pg:acc/warehouse", new Properties()))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08001"))
                    .hasMessageContaining("broken.properties").hasMessageContaining("line 2");
            assertThat(engine.metrics().getPolicySha256()).isEmpty();
        }
        assertThat(impostor.connections()).isZero();
    }
}
