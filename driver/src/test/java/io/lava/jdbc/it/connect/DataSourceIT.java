package io.lava.jdbc.it.connect;

import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.Sql;
import io.lava.jdbc.LavaPgDataSource;
import io.lava.jdbc.LavaPgDataSourceFactory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;

/** {@link LavaPgDataSource} end to end: each way of configuring it opens pgjdbc's connection for the record's user. */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class DataSourceIT {
    private static final String PASSWORD = "ds-Pa55-w0rd!";
    private static final String TYPED_PASSWORD = "typed-into-the-tool";
    private static final String WRONG_PASSWORD = "not-the-ds-password";
    private static final AtomicInteger REALMS = new AtomicInteger();

    private static LocalPostgres pg;
    private static LocalAws aws;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws Exception {
        pg = postgres;
        aws = localAws;
        pg.createRole("ds_etl", PASSWORD);
        pg.createDatabase("ds_dw", "ds_etl");
        pg.createDatabase("ds_other", "ds_etl");
        SecretLeakGuard.secret(TYPED_PASSWORD);
    }

    /** A fresh realm holding record {@code connId} and its SSM password. */
    private static String realm(String connId) {
        String realm = "ds" + REALMS.incrementAndGet();
        LavaRealm.create(aws, pg, realm).postgres(connId, "ds_dw", "ds_etl", "/lava/" + realm + "/etl",
                PASSWORD);
        return realm;
    }

    private static LavaPgDataSource dataSource(String realm, String connId) {
        LavaPgDataSource ds = new LavaPgDataSource();
        ds.setRealm(realm);
        ds.setConnId(connId);
        ds.setAwsEndpointUrl(aws.endpoint());
        ds.setAwsRegion("us-east-1");
        return ds;
    }

    private static String query(Connection c, String sql) throws SQLException {
        return Sql.value(c, sql);
    }

    @Test
    void realmAndConnIdGivePgjdbcsOwnConnection() throws Exception {
        String realm = realm("warehouse");
        LavaPgDataSource ds = dataSource(realm, "warehouse");
        try (Connection c = ds.getConnection()) {
            assertThat(query(c, "select current_user")).isEqualTo("ds_etl");
            assertThat(query(c, "select current_database()")).isEqualTo("ds_dw");
            assertThat(query(c, "select current_setting('application_name')")).isEqualTo("lv-" + realm + "-warehouse");
            assertThat(c.unwrap(PGConnection.class)).isNotNull();
        }
    }

    @Test
    void setDatabaseReachesAnotherDatabaseOfTheRecordsServer() throws Exception {
        String realm = realm("warehouse");
        LavaPgDataSource ds = dataSource(realm, "warehouse");
        ds.setDatabase("ds_other");
        assertThat(ds.getDatabase()).isEqualTo("ds_other");
        try (Connection c = ds.getConnection()) {
            assertThat(query(c, "select current_database()")).isEqualTo("ds_other");
            assertThat(query(c, "select current_user")).isEqualTo("ds_etl");
        }
        ds.setDatabase(" ");
        try (Connection c = ds.getConnection()) {
            assertThat(query(c, "select current_database()")).as("blank: the record's").isEqualTo("ds_dw");
        }
    }

    @Test
    void connIdWithReservedCharactersAndPgjdbcSettings() throws Exception {
        String connId = "team/ware house+1";
        String realm = realm(connId);
        LavaPgDataSource ds = dataSource(realm, connId);
        ds.setApplicationName("ds-app");
        ds.setCurrentSchema("etl_schema");
        ds.setPgProperties("options=-c%20statement_timeout%3D4321&ApplicationName=loses-to-the-setter");
        ds.setLoginTimeout(5);
        ds.setConnectTimeout(5);
        ds.setSocketTimeout(60);
        try (Connection c = ds.getConnection()) {
            assertThat(query(c, "select current_setting('application_name')")).isEqualTo("ds-app");
            assertThat(query(c, "select current_setting('search_path')")).isEqualTo("etl_schema");
            assertThat(query(c, "select current_setting('statement_timeout')")).isEqualTo("4321ms");
        }
    }

    @Test
    void wholeUrlWithRealmInThePathOrAsASetting() throws Exception {
        String realm = realm("warehouse");
        LavaPgDataSource inPath = new LavaPgDataSource();
        inPath.setUrl("jdbc:lava-pg:" + realm + "/warehouse?awsRegion=us-east-1");
        inPath.setAwsEndpointUrl(aws.endpoint());
        try (Connection c = inPath.getConnection()) {
            assertThat(query(c, "select current_user")).isEqualTo("ds_etl");
        }
        LavaPgDataSource realmSetting = new LavaPgDataSource();
        realmSetting.setUrl("jdbc:lava-pg://warehouse");
        realmSetting.setRealm(realm);
        realmSetting.setAwsEndpointUrl(aws.endpoint());
        realmSetting.setAwsRegion("us-east-1");
        try (Connection c = realmSetting.getConnection()) {
            assertThat(query(c, "select current_user")).isEqualTo("ds_etl");
        }
    }

    @Test
    void userAndPasswordArgumentsAreIgnored() throws Exception {
        String realm = realm("warehouse");
        DataSource ds = dataSource(realm, "warehouse");
        try (Connection c = ds.getConnection("postgres", TYPED_PASSWORD)) {
            assertThat(query(c, "select current_user")).isEqualTo("ds_etl");
        }
    }

    @Test
    void jndiAndSerializedCopiesConnectToo() throws Exception {
        String realm = realm("warehouse");
        LavaPgDataSource ds = dataSource(realm, "warehouse");
        ds.setApplicationName("copied");
        DataSource fromJndi = (DataSource) new LavaPgDataSourceFactory()
                .getObjectInstance(ds.getReference(), null, null, null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(ds);
        }
        DataSource deserialized;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            deserialized = (DataSource) in.readObject();
        }
        for (DataSource copy : new DataSource[] {fromJndi, deserialized}) {
            try (Connection c = copy.getConnection()) {
                assertThat(query(c, "select current_setting('application_name')")).isEqualTo("copied");
            }
        }
    }

    @Test
    void failuresAreTheDriversWithRealmConnIdAndSqlState() {
        String realm = realm("warehouse");
        LavaPgDataSource ds = dataSource(realm, "ghost");
        assertThatThrownBy(ds::getConnection).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("08001");
            assertThat(e.getMessage()).contains("realm '" + realm + "'", "conn_id 'ghost'",
                    "record: no such connection");
        });
        aws.putParameter("/lava/" + realm + "/etl", WRONG_PASSWORD);
        LavaPgDataSource refused = dataSource(realm, "warehouse");
        refused.setParameterTtl(0);
        refused.setLoginTimeout(3); // the refused password is retried through the rotation window, here 3 s
        assertThatThrownBy(refused::getConnection).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("28P01");
            assertThat(e.getMessage()).doesNotContain(WRONG_PASSWORD, PASSWORD);
        });
    }
}
