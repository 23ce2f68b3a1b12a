package io.lava.jdbc.examples.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.testing.Slow;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.Sql;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The example job as spark-submit runs it: {@link CopyTable#main} in {@code local[2]} mode, with the driver's -all jar
 * and {@code spark.plugins} given as Spark settings (system properties, which SparkConf reads as spark-submit's
 * {@code --conf}). The record is in the harness's local DynamoDB, the password in its SSM stub.
 */
@Slow
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class CopyTableIT {
    private static final String PASSWORD = "copy-Pa55-w0rd!";
    private static final String REALM = "sparkjob";
    private static final String COLUMNS = "id integer primary key, u uuid, j jsonb, a int[], b boolean, bin bytea";

    @Test
    void copiesUuidJsonbArrayBooleanAndByteaColumns(LocalPostgres pg, LocalAws aws) throws Exception {
        String url = LavaRealm.create(aws, pg, REALM).postgresWithDatabase("warehouse", "jobdb", "job", PASSWORD)
                .urlWithAws("warehouse");
        execute(url, "create table events (" + COLUMNS + ")", "create table events_copy (" + COLUMNS + ")",
                "insert into events select i, gen_random_uuid(), jsonb_build_object('n', i), array[i, -i], i % 2 = 0,"
                        + " int4send(i) from generate_series(1, 2500) i");

        System.setProperty("spark.master", "local[2]");
        System.setProperty("spark.plugins", "io.lava.jdbc.spark.LavaPgSparkPlugin");
        System.setProperty("spark.ui.enabled", "false");
        System.setProperty("spark.driver.host", "127.0.0.1");
        System.setProperty("spark.driver.bindAddress", "127.0.0.1");
        try {
            CopyTable.main(new String[] {url, "events", "events_copy"});
        } finally {
            for (String key : List.of("spark.master", "spark.plugins", "spark.ui.enabled", "spark.driver.host",
                    "spark.driver.bindAddress")) {
                System.clearProperty(key);
            }
        }

        assertThat(Sql.rows(url, "select count(*), count(distinct u) from events_copy", " ")).containsExactly("2500 2500");
        assertThat(Sql.rows(url, "select count(*) from (select * from events except all select * from events_copy) d", " "))
                .containsExactly("0");
    }

    private static void execute(String url, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
