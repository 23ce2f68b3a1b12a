package io.lava.jdbc.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.Impostor;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import io.lava.jdbc.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A shared Spark cluster under the operator's policy (docs/security.md, "A shared Spark cluster"): a SQL user who
 * writes {@code CREATE TEMPORARY VIEW ... USING jdbc OPTIONS (..., connectionsFile '...')} to point the realm's real
 * SSM parameter at a server of their own is refused ({@code 0A000}, naming {@code connectionsFile}) before any AWS
 * call, and nothing reaches that server; a legitimate read of the same table, with the AWS settings the policy fixes
 * and none in the URL, succeeds on the executors.
 *
 * <p>Spark runs in {@code local-cluster[2,1,1024]} mode as in {@link LavaPgSparkIT}. The Spark driver is this JVM:
 * its policy is the system property {@code io.lava.jdbc.policy}, which the failsafe execution {@code spark-policy}
 * of tests/spark-common/pom.xml sets for this class alone, in a JVM of its own (the engine reads the policy at the
 * first connect of the class loader, so a JVM in which other tests connected would have started it without one).
 * This class writes the file in {@link #setUp} before anything connects. The executors get it as a cluster would,
 * through {@code spark.executor.extraJavaOptions}. Outside that execution (no policy property) the class is skipped.
 */
@Slow
@EnabledIfSystemProperty(named = SparkPolicyIT.POLICY_PROPERTY, matches = ".+",
        disabledReason = "runs in the failsafe execution spark-policy, which gives the policy")
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class SparkPolicyIT {
    static final String POLICY_PROPERTY = "io.lava.jdbc.policy";
    private static final String PASSWORD = "spark-policy-Pa55-w0rd!";
    private static final String REALM = "sparkpolicy";
    private static final String USER = "spark_policy_etl";
    private static final String GET_PARAMETER = "AmazonSSM.GetParameter";

    private static LocalAws aws;
    private static Impostor impostor;
    private static String url;
    private static Path forgedRecords;
    private static LocalSparkCluster cluster;
    private static SparkSession spark;

    @BeforeAll
    static void setUp(LocalPostgres pg, LocalAws localAws) throws Exception {
        aws = localAws;
        Path policy = Path.of(System.getProperty(POLICY_PROPERTY));
        Files.createDirectories(policy.toAbsolutePath().getParent());
        // the shared-cluster policy of docs/security.md, for the local stand-ins; the default allowedProperties
        Files.writeString(policy, "allowedRealms = " + REALM + "\n"
                + "allowedHosts = " + pg.host() + "\n"
                + "awsEndpointUrl = " + aws.endpoint() + "\n"
                + "awsRegion = " + LavaRealm.REGION + "\n");

        LavaRealm realm = LavaRealm.create(aws, pg, REALM)
                .postgresWithDatabase("warehouse", "spark_policy_dw", USER, PASSWORD);
        url = realm.url("warehouse"); // no AWS settings: the policy fixes them
        impostor = Impostor.start();
        // what the tenant would have the driver read instead of the realm's table: their own server, and the
        // realm's real SSM parameter, whose value the driver would send there (the impostor listens on the
        // database's address, which allowedHosts admits: only allowedProperties stands in the way)
        forgedRecords = Files.writeString(policy.resolveSibling("spark-policy-forged-connections.json"),
                "{\"warehouse\": {\"conn_id\": \"warehouse\", \"type\": \"postgres\", \"enabled\": true, "
                        + "\"host\": \"" + impostor.host() + "\", \"port\": " + impostor.port() + ", "
                        + "\"database\": \"spark_policy_dw\", \"user\": \"" + USER + "\", "
                        + "\"password\": \"" + realm.parameter(USER) + "\"}}");

        // the first connect of this JVM: the engine starts under the policy
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("create table orders (id integer primary key, item text)");
            s.execute("insert into orders values (1, 'anvil'), (2, 'rope'), (3, 'rocket skates')");
        }

        cluster = LocalSparkCluster.start("lava-pg-jdbc spark policy test",
                Map.of("spark.executor.extraJavaOptions", "-D" + POLICY_PROPERTY + "=" + policy.toAbsolutePath()));
        spark = cluster.session();
    }

    @AfterAll
    static void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
        if (impostor != null) {
            impostor.close();
        }
    }

    /** {@code CREATE OR REPLACE TEMPORARY VIEW <view> USING jdbc OPTIONS (url, driver, dbtable[, extra])}. */
    private static String view(String view, String extraOptions) {
        return "CREATE OR REPLACE TEMPORARY VIEW " + view + " USING jdbc OPTIONS (url '" + url + "', "
                + "driver 'io.lava.jdbc.LavaPgDriver', dbtable 'orders'" + extraOptions + ")";
    }

    /** @return the first {@link SQLException} in the cause chain of {@code thrown} */
    private static Optional<SQLException> sqlException(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof SQLException e) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    @Test
    void aForgedRecordsFileInTheViewOptionsIsRefusedBeforeAnyAwsCall() {
        int parameters = aws.calls(GET_PARAMETER);

        Throwable thrown = catchThrowable(() -> {
            spark.sql(view("t", ", connectionsFile '" + forgedRecords + "'"));
            spark.sql("SELECT * FROM t").collectAsList();
        });

        assertThat(thrown).as("the forged read").isNotNull();
        assertThat(sqlException(thrown)).as("an SQLException in the cause chain of %s", thrown)
                .hasValueSatisfying(e -> {
                    assertThat(e.getSQLState()).isEqualTo("0A000");
                    assertThat(e.getMessage()).contains("connectionsFile");
                });
        assertThat(aws.calls(GET_PARAMETER) - parameters).as("parameters read").isZero();
        assertThat(impostor.connections()).as("connections to the impostor").isZero();
        assertThat(impostor.receivedAny(PASSWORD)).as("the password at the impostor").isFalse();
    }

    /** The executors' own connects refuse it too: each task tries it in its executor JVM. */
    @Test
    void theExecutorsRefuseTheForgedRecordsFileToo() {
        int parameters = aws.calls(GET_PARAMETER);
        String forgedUrl = url + "?connectionsFile=" + forgedRecords;
        long driverPid = ProcessHandle.current().pid();
        MapPartitionsFunction<Long, String> tryIt = rows -> {
            String outcome;
            try (Connection c = DriverManager.getConnection(forgedUrl)) {
                outcome = "connected";
            } catch (SQLException e) {
                outcome = e.getSQLState() + " " + e.getMessage();
            }
            return List.of(ProcessHandle.current().pid() + " " + outcome).iterator();
        };

        List<String> outcomes = spark.range(0, 4, 1, 4).mapPartitions(tryIt, Encoders.STRING()).collectAsList();

        assertThat(outcomes).hasSize(4).allSatisfy(line -> {
            String[] pidAndOutcome = line.split(" ", 2);
            assertThat(Long.parseLong(pidAndOutcome[0])).as("executor pid").isNotEqualTo(driverPid);
            assertThat(pidAndOutcome[1]).startsWith("0A000 ").contains("connectionsFile");
        });
        assertThat(aws.calls(GET_PARAMETER) - parameters).as("parameters read").isZero();
        assertThat(impostor.connections()).as("connections to the impostor").isZero();
        assertThat(impostor.receivedAny(PASSWORD)).as("the password at the impostor").isFalse();
    }

    /**
     * The same table without the forged option: the URL names no AWS endpoint or region, so the executors that read
     * the rows found the local stand-ins only through the policy they were given.
     */
    @Test
    void theSameReadWithoutTheForgedOptionSucceedsUnderThePolicy() {
        spark.sql(view("legit", ""));
        List<Row> rows = spark.sql("SELECT id, item FROM legit ORDER BY id").collectAsList();

        assertThat(rows).extracting(row -> row.getInt(0) + " " + row.getString(1))
                .containsExactly("1 anvil", "2 rope", "3 rocket skates");
        assertThat(impostor.connections()).as("connections to the impostor").isZero();
    }
}
