package io.lava.jdbc.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.testing.Slow;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.Sql;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.jdbc.JdbcDialect;
import org.apache.spark.sql.jdbc.JdbcDialects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Spark reading and writing PostgreSQL through {@code jdbc:lava-pg:} with the driver's {@code -all} jar and
 * {@code spark.plugins=io.lava.jdbc.spark.LavaPgSparkPlugin}, and nothing else: the harness's local DynamoDB holds the
 * record, the WireMock SSM stub the password, and the throwaway PostgreSQL the tables. Spark runs in
 * {@code local-cluster[2,1,1024]} mode: a master and two workers in this JVM, and each task in one of two executor
 * JVMs the workers start, as on a cluster. One SparkSession for the class.
 *
 * <p>Local-cluster mode as Spark's own tests run it: {@code spark.testing} gives the executors this JVM's class path
 * ({@code StandaloneSchedulerBackend}), {@code spark.test.home} is the workers' (empty) Spark home, and the
 * environment's {@code SPARK_TESTING} and {@code SPARK_SCALA_VERSION} let the worker build the executor command
 * without a Spark distribution ({@code AbstractCommandBuilder.buildClassPath}); see the failsafe settings in
 * tests/spark-common/pom.xml. Executors inherit this JVM's environment; the AWS settings they need are passed as
 * {@code spark.executorEnv.*} as well, as a cluster would need them.
 */
@Slow
// not in SparkPolicyIT's failsafe execution, where -Dit.test can put it: its URLs set what the policy fixes
@DisabledIfSystemProperty(named = "io.lava.jdbc.policy", matches = ".*")
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class LavaPgSparkIT {
    private static final String PASSWORD = "spark-Pa55-w0rd!";
    private static final String REALM = "sparkit";
    private static final String COLUMNS = "id integer primary key, u uuid, j jsonb, a int[], b boolean, bin bytea";
    private static final String JSON = "{\"n\": 1.5, \"name\": \"Zoë\", \"tags\": [\"x\", \"y\"]}";

    private static final String PROBE_QUERY = "(select current_setting('lava.probe', true) as probe,"
            + " current_user as who from generate_series(1, 5)) t";

    private static String url;
    private static LocalSparkCluster cluster;
    private static JdbcDialect beforeSession;
    private static JdbcDialect afterSession;
    private static SparkSession spark;

    @BeforeAll
    static void setUp(LocalPostgres pg, LocalAws aws) throws Exception {
        url = LavaRealm.create(aws, pg, REALM).postgresWithDatabase("warehouse", "dw", "etl", PASSWORD)
                .urlWithAws("warehouse");

        sql("create table src (" + COLUMNS + ")",
                "insert into src values"
                        + " (1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '" + JSON + "', '{1,2,3}', true, '\\x00ff10'),"
                        + " (2, '00000000-0000-0000-0000-000000000000', '[]', '{}', false, '\\x'),"
                        + " (3, null, null, null, null, null),"
                        + " (4, 'ffffffff-ffff-ffff-ffff-ffffffffffff', '\"just text\"', '{7,null,-2147483648}', null,"
                        + "  decode(repeat('ab', 1000), 'hex'))");

        beforeSession = JdbcDialects.get(url);
        cluster = LocalSparkCluster.start("lava-pg-jdbc spark test", Map.of());
        spark = cluster.session();
        afterSession = JdbcDialects.get(url);
    }

    @AfterAll
    static void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The JDBC options of every read and write: the driver class, as Spark's docs advise. */
    private static Properties jdbc() {
        Properties p = new Properties();
        p.setProperty("driver", "io.lava.jdbc.LavaPgDriver");
        return p;
    }

    /** Options for writing strings into uuid and jsonb columns: pgjdbc sends them untyped. */
    private static Properties jdbcUntypedStrings() {
        Properties p = jdbc();
        p.setProperty("stringtype", "unspecified");
        return p;
    }

    private static Dataset<Row> read(String table) {
        return spark.read().jdbc(url, table, jdbc());
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static List<String> columnTypes(String table) throws SQLException {
        return Sql.rows(url, "select column_name, udt_name from information_schema.columns where table_name = '" + table
                + "' order by ordinal_position", " ");
    }

    /** Rows of one table missing from the other, both ways; empty when the tables hold the same values. */
    private static List<String> differences(String a, String b) throws SQLException {
        return Sql.rows(url, "(select * from " + a + " except all select * from " + b + ")"
                + " union all (select * from " + b + " except all select * from " + a + ")", " ");
    }

    @Test
    void withoutTheDialectSparkDoesNotTreatLavaPgAsPostgres() {
        assertThat(beforeSession.getClass().getName()).startsWith("org.apache.spark.sql.jdbc.NoopDialect");
        assertThat(afterSession).isSameAs(LavaPgDialect.instance());

        JdbcDialects.unregisterDialect(LavaPgDialect.instance());
        try {
            assertThat(JdbcDialects.get(url).getClass().getName()).startsWith("org.apache.spark.sql.jdbc.NoopDialect");
            assertThatThrownBy(() -> spark.read().jdbc(url, "src", jdbc()).schema())
                    .hasMessageContaining("Unrecognized SQL type - name: uuid");
        } finally {
            LavaPgDialect.register();
        }
    }

    /** One line per partition: the executor's pid and the dialect Spark finds for the URL there. */
    private static List<String> dialectsInExecutors() {
        String lavaUrl = url;
        MapPartitionsFunction<Long, String> probe = rows -> List.of(ProcessHandle.current().pid() + " "
                + JdbcDialects.get(lavaUrl).getClass().getName()).iterator();
        return spark.range(0, 8, 1, 8).mapPartitions(probe, Encoders.STRING()).collectAsList();
    }

    @Test
    void thePluginRegistersTheDialectInEveryExecutorJvm() {
        long driverPid = ProcessHandle.current().pid();
        List<String> probes = dialectsInExecutors();
        assertThat(probes).hasSize(8).allSatisfy(line -> {
            String[] pidAndDialect = line.split(" ");
            assertThat(Long.parseLong(pidAndDialect[0])).as("executor pid").isNotEqualTo(driverPid);
            assertThat(pidAndDialect[1]).isEqualTo(LavaPgDialect.class.getName());
        });
        assertThat(probes.stream().map(line -> line.split(" ")[0]).distinct()).as("executor JVMs").isNotEmpty();
    }

    /**
     * {@code fetchsize} streams: PostgresDialect's {@code beforeFetch}, run by the executor that reads, turns autocommit
     * off, so pgjdbc sends {@code BEGIN} first and the {@code SET LOCAL} of {@code sessionInitStatement} holds for the
     * query (outside a transaction block PostgreSQL ignores {@code SET LOCAL} with a warning). Without a fetch size
     * autocommit stays on. The query also shows the role the record names.
     */
    @Test
    void fetchsizeReadsInATransactionOnTheExecutorAsTheRecordsUser() {
        Properties streaming = jdbc();
        streaming.setProperty("fetchsize", "2");
        streaming.setProperty("sessionInitStatement", "SET LOCAL lava.probe = 'in-transaction'");
        List<Row> rows = spark.read().jdbc(url, PROBE_QUERY, streaming).collectAsList();
        assertThat(rows).hasSize(5).allSatisfy(row -> {
            assertThat(row.getString(0)).isEqualTo("in-transaction");
            assertThat(row.getString(1)).isEqualTo("etl");
        });

        // fetchsize=0: no cursor, autocommit stays on (unset, Spark 3.5 reads with 0 and Spark 4's PostgresDialect
        // with its default fetch size)
        Properties plain = jdbc();
        plain.setProperty("fetchsize", "0");
        plain.setProperty("sessionInitStatement", "SET LOCAL lava.probe = 'in-transaction'");
        assertThat(spark.read().jdbc(url, PROBE_QUERY, plain).collectAsList())
                .hasSize(5).noneMatch(row -> "in-transaction".equals(row.getString(0)));
    }

    @Test
    void readsUuidJsonbArraysBooleansAndBytea() {
        Dataset<Row> df = read("src").orderBy("id");
        assertThat(df.schema().simpleString())
                .isEqualTo("struct<id:int,u:string,j:string,a:array<int>,b:boolean,bin:binary>");
        List<Row> rows = df.collectAsList();
        assertThat(rows).hasSize(4);

        Row first = rows.get(0);
        assertThat(first.getString(1)).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        assertThat(first.getString(2)).isEqualTo(JSON);
        assertThat(first.<Integer>getList(3)).containsExactly(1, 2, 3);
        assertThat(first.getBoolean(4)).isTrue();
        assertThat((byte[]) first.get(5)).containsExactly(0x00, 0xff, 0x10);

        Row empty = rows.get(1);
        assertThat(empty.getString(2)).isEqualTo("[]");
        assertThat(empty.getList(3)).isEmpty();
        assertThat((byte[]) empty.get(5)).isEmpty();

        Row nulls = rows.get(2);
        for (int i = 1; i < 6; i++) {
            assertThat(nulls.isNullAt(i)).as("column %d", i).isTrue();
        }

        Row edge = rows.get(3);
        assertThat(edge.<Integer>getList(3)).containsExactly(7, null, Integer.MIN_VALUE);
        assertThat((byte[]) edge.get(5)).hasSize(1000);
    }

    @Test
    void writesBackIntoUuidAndJsonbColumnsWithStringtypeUnspecified() throws SQLException {
        sql("create table copy (" + COLUMNS + ")");
        read("src").write().mode(SaveMode.Append).jdbc(url, "copy", jdbcUntypedStrings());

        assertThat(columnTypes("copy"))
                .containsExactly("id int4", "u uuid", "j jsonb", "a _int4", "b bool", "bin bytea");
        assertThat(differences("src", "copy")).isEmpty();
        assertThat(Sql.rows(url, "select count(*) from copy", " ")).containsExactly("4");

        // Overwrite with truncate=true: PostgreSQL's TRUNCATE TABLE ONLY; the typed table stays.
        Properties truncate = jdbcUntypedStrings();
        truncate.setProperty("truncate", "true");
        read("src").write().mode(SaveMode.Overwrite).jdbc(url, "copy", truncate);
        assertThat(columnTypes("copy"))
                .containsExactly("id int4", "u uuid", "j jsonb", "a _int4", "b bool", "bin bytea");
        assertThat(differences("src", "copy")).isEmpty();
    }

    @Test
    void withoutStringtypeUnspecifiedPostgresRefusesStringsForUuid() throws SQLException {
        sql("create table typed (" + COLUMNS + ")");
        assertThatThrownBy(() -> read("src").write().mode(SaveMode.Append).jdbc(url, "typed", jdbc()))
                .hasStackTraceContaining("column \"u\" is of type uuid but expression is of type character varying");
        assertThat(Sql.rows(url, "select count(*) from typed", " ")).containsExactly("0");
    }

    @Test
    void tablesSparkCreatesGetPostgresTypes() throws SQLException {
        read("src").write().mode(SaveMode.ErrorIfExists).jdbc(url, "created_by_spark", jdbc());

        // Spark's types for PostgreSQL: uuid and jsonb were read as strings, so they become text.
        assertThat(columnTypes("created_by_spark"))
                .containsExactly("id int4", "u text", "j text", "a _int4", "b bool", "bin bytea");
        assertThat(differences("src", "(select id, u::uuid, j::jsonb, a, b, bin from created_by_spark) s")).isEmpty();
    }
}
