package io.lava.jdbc.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.Docs;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import io.lava.jdbc.testing.Slow;
import io.lava.jdbc.testing.Sql;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import org.apache.flink.connector.jdbc.core.database.JdbcFactory;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CollectionUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Flink SQL over {@code jdbc:lava-pg:} URLs with the driver's {@code -all} jar, Flink and its JDBC connector on the
 * class path, and nothing else: the harness's local DynamoDB holds the record ({@code acc/pg-flink}), the WireMock
 * SSM stub its password, the throwaway PostgreSQL (TLS) the tables. Each query runs as a Flink job on the local
 * MiniCluster a {@link TableEnvironment} starts in this JVM; no table names a {@code driver}.
 */
@Slow
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class LavaPgFlinkIT {
    private static final String PASSWORD = "flink-Pa55-w0rd!";
    private static final String REALM = "acc";
    private static final String CONN_ID = "pg-flink";
    private static final String DOCS_URL = "jdbc:lava-pg:acc/pg-flink";
    private static final String JSON = "{\"n\": 1.5, \"name\": \"Zoë\", \"tags\": [\"x\", \"y\"]}";

    private static String url;
    private static TableEnvironment flink;

    @BeforeAll
    static void setUp(LocalPostgres pg, LocalAws aws) throws Exception {
        url = LavaRealm.create(aws, pg, REALM).postgresWithDatabase(CONN_ID, "flinkdb", "flinker", PASSWORD)
                .urlWithAws(CONN_ID);
        sql("create table people (id integer primary key, name text)",
                "insert into people values (1, 'Ada'), (2, 'Grace'), (3, null)",
                "create table customers (id integer primary key, name text)",
                "create table typed (id integer primary key, u uuid, j jsonb, ints int[], texts text[])",
                "insert into typed values"
                        + " (1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '" + JSON + "', '{1,2,3}', '{a,\"b c\"}'),"
                        + " (2, null, null, null, null),"
                        + " (3, '00000000-0000-0000-0000-000000000000', '[]', '{}', '{}')");
        flink = TableEnvironment.create(EnvironmentSettings.inBatchMode());
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    /** The rows of a Flink query, each as Flink prints a row ({@code +I[1, Ada]}), in the order they come. */
    private static List<String> flinkRows(String query) {
        // read to the end, which closes the iterator and ends the job
        return CollectionUtil.iteratorToList(flink.executeSql(query).collect()).stream().map(Row::toString).toList();
    }

    /** {@code 'url' = '<the harness URL>'}: a DDL string literal, its quotes doubled. */
    private static String urlOption() {
        return "'url' = '" + url.replace("'", "''") + "'";
    }

    @Test
    void theConnectorFindsTheLavaFactoryAndItsPostgresDialect() {
        List<String> accepting = new ArrayList<>();
        for (JdbcFactory factory : ServiceLoader.load(JdbcFactory.class)) {
            if (factory.acceptsURL(url)) {
                accepting.add(factory.getClass().getName());
            }
        }
        assertThat(accepting).containsExactly(LavaPgJdbcFactory.class.getName());
        assertThat(LavaPgJdbcFactory.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .as("the factory comes from the -all jar").endsWith("-all.jar");

        LavaPgJdbcDialect dialect = (LavaPgJdbcDialect) new LavaPgJdbcFactory().createDialect();
        assertThat(dialect.defaultDriverName()).contains("io.lava.jdbc.LavaPgDriver");
        assertThat(dialect.dialectName()).isEqualTo("PostgreSQL");
        assertThat(dialect.postgres().getClass().getName())
                .isEqualTo("org.apache.flink.connector.jdbc.postgres.database.dialect.PostgresDialect");
        assertThat(dialect.getUpsertStatement("t", new String[] {"id", "v"}, new String[] {"id"}))
                .contains("INSERT INTO t(id, v) VALUES (:id, :v) ON CONFLICT (id) DO UPDATE SET v=EXCLUDED.v");
    }

    @Test
    void aTableWithoutADriverOptionReadsRows() throws Exception {
        flink.executeSql("CREATE TEMPORARY TABLE people (id INT, name STRING) WITH ('connector' = 'jdbc', "
                + urlOption() + ", 'table-name' = 'people')");
        assertThat(flinkRows("SELECT id, name FROM people ORDER BY id"))
                .containsExactly("+I[1, Ada]", "+I[2, Grace]", "+I[3, null]");
    }

    /**
     * The DDL of docs/flink.md as written, the URL pointed at the harness: the second insert of a key updates its row,
     * which only the PostgreSQL dialect's {@code INSERT ... ON CONFLICT ... DO UPDATE} does (a plain insert fails on
     * the primary key).
     */
    @Test
    void anUpsertSinkUpdatesTheKeyItInsertsAgain() throws Exception {
        String ddl = docsSnippet("## Flink SQL", "CREATE TABLE");
        assertThat(ddl).contains("'" + DOCS_URL + "'").doesNotContain("'driver'");
        flink.executeSql(ddl.replace("'" + DOCS_URL + "'", "'" + url.replace("'", "''") + "'")
                .replace("CREATE TABLE", "CREATE TEMPORARY TABLE"));

        flink.executeSql("INSERT INTO customers VALUES (1, 'first'), (2, 'other')").await();
        flink.executeSql("INSERT INTO customers VALUES (1, 'second')").await();

        assertThat(Sql.rows(url, "select id, name from customers order by id", " "))
                .containsExactly("1 second", "2 other");
        assertThat(flinkRows("SELECT id, name FROM customers ORDER BY id"))
                .containsExactly("+I[1, second]", "+I[2, other]");
    }

    @Test
    void uuidAndJsonbReadAsStringsAndArraysAsArrays() throws Exception {
        flink.executeSql("CREATE TEMPORARY TABLE typed (id INT, u STRING, j STRING, ints ARRAY<INT>,"
                + " texts ARRAY<STRING>) WITH ('connector' = 'jdbc', " + urlOption() + ", 'table-name' = 'typed')");
        assertThat(flinkRows("SELECT id, u, j, ints, texts FROM typed ORDER BY id")).containsExactly(
                "+I[1, a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11, {\"n\": 1.5, \"name\": \"Zoë\", \"tags\": [\"x\", \"y\"]},"
                        + " [1, 2, 3], [a, b c]]",
                "+I[2, null, null, null, null]",
                "+I[3, 00000000-0000-0000-0000-000000000000, [], [], []]");
        assertThat(flinkRows("SELECT JSON_VALUE(j, '$.name') FROM typed WHERE id = 1")).containsExactly("+I[Zoë]");
    }

    /**
     * The JDBC catalog needs a server URL; the lava factory refuses it by name. Called directly: with connector 3.3's
     * jar two catalog factories answer {@code 'type' = 'jdbc'}, and {@code CREATE CATALOG} fails before any URL.
     */
    @Test
    void theJdbcCatalogIsRefusedWithAMessage() {
        assertThatThrownBy(() -> new LavaPgJdbcFactory().createCatalog(getClass().getClassLoader(), "lava",
                "flinkdb", "u", "p", DOCS_URL, null))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageStartingWith("The Flink JDBC catalog does not support jdbc:lava-pg: URLs");
    }

    /**
     * Without Flink the same -all jar loads and connects: a class loader holding that jar alone (the platform loader
     * its parent) cannot see Flink's {@code JdbcFactory}, and nothing of the driver asks for it.
     */
    @Test
    void withoutFlinkTheAllJarConnects() throws Exception {
        URL allJar = LavaPgJdbcFactory.class.getProtectionDomain().getCodeSource().getLocation();
        assertThat(Path.of(allJar.toURI()).getFileName().toString()).endsWith("-all.jar");
        try (URLClassLoader alone = new URLClassLoader("all-jar-alone", new URL[] {allJar},
                ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> alone.loadClass(JdbcFactory.class.getName()))
                    .isInstanceOf(ClassNotFoundException.class);
            Driver driver = (Driver) alone.loadClass("io.lava.jdbc.LavaPgDriver").getConstructor().newInstance();
            try (Connection c = driver.connect(url, new Properties())) {
                assertThat(Sql.value(c, "select current_user")).isEqualTo("flinker");
            }
        }
    }

    /** The first fenced block of a docs/flink.md section that holds {@code marker}. */
    static String docsSnippet(String heading, String marker) {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : Docs.section("docs/flink.md", heading).lines().toList()) {
            if (line.startsWith("```")) {
                if (block == null) {
                    block = new StringBuilder();
                } else {
                    blocks.add(block.toString());
                    block = null;
                }
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return blocks.stream().filter(b -> b.contains(marker)).findFirst()
                .orElseThrow(() -> new AssertionError("no code block with " + marker + " in docs/flink.md " + heading))
                .strip().replaceFirst(";$", "");
    }
}
