package io.lava.jdbc.it.tools;

import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.LavaPgProperty;
import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What DBeaver (and tools like it) do with a driver jar: load the driver class by name, ask
 * {@code getPropertyInfo(url, new Properties())} to fill the "Driver properties" tab, then {@code connect} with the
 * user name and password typed into the connection dialog among the properties.
 */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class DbeaverStyleIT {
    private static final String PASSWORD = "dbv-Pa55-w0rd!";
    private static final String TYPED_PASSWORD = "typed-into-dbeaver";

    private static LocalPostgres pg;
    private static LocalAws aws;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws Exception {
        pg = postgres;
        aws = localAws;
        pg.createRole("dbv_etl", PASSWORD);
        pg.createDatabase("dbv_dw", "dbv_etl");
        pg.createDatabase("dbv_other", "dbv_etl");
        pg.execute("dbv_other", "create table dbv_marker as select 'other' as db; "
                + "grant select on dbv_marker to dbv_etl");
        LavaRealm.create(aws, pg, "dbeaver").postgres("warehouse", "dbv_dw", "dbv_etl", "/lava/dbeaver/etl",
                PASSWORD);
        SecretLeakGuard.secret(TYPED_PASSWORD);
    }

    private static Driver loadDriverAsDbeaverDoes() throws Exception {
        return (Driver) Class.forName("io.lava.jdbc.LavaPgDriver").getDeclaredConstructor().newInstance();
    }

    @Test
    void propertyInfoListsTheDriversPropertiesThenPgjdbcsWithoutPasswords() throws Exception {
        Driver driver = loadDriverAsDbeaverDoes();
        for (String url : new String[] {"jdbc:lava-pg:dbeaver/warehouse", "jdbc:lava-pg:", "jdbc:lava-pg:dbeaver/"}) {
            assertThat(driver.acceptsURL(url)).isTrue();
            DriverPropertyInfo[] infos = driver.getPropertyInfo(url, new Properties());
            List<String> names = Arrays.stream(infos).map(i -> i.name).toList();
            List<String> ours = Arrays.stream(LavaPgProperty.values()).map(LavaPgProperty::getName).toList();
            assertThat(names.subList(0, ours.size())).isEqualTo(ours);
            assertThat(names.subList(ours.size(), names.size()))
                    .contains("ApplicationName", "sslmode", "sslrootcert", "connectTimeout", "loginTimeout");
            assertThat(infos).allSatisfy(i -> assertThat(i.description).as(i.name).isNotBlank());
        }

        Properties typed = new Properties();
        typed.setProperty("user", "postgres");
        typed.setProperty("password", TYPED_PASSWORD);
        DriverPropertyInfo[] infos = driver.getPropertyInfo("jdbc:lava-pg:dbeaver/warehouse", typed);
        assertThat(infos).filteredOn(i -> i.name.toLowerCase(java.util.Locale.ROOT).contains("password"))
                .allSatisfy(i -> assertThat(i.value).as(i.name).isNull());
        assertThat(Arrays.stream(infos).map(i -> i.value)).doesNotContain(TYPED_PASSWORD, PASSWORD);
    }

    /**
     * The driver definition of docs/dbeaver.md, "Show all databases": driver type PostgreSQL, URL template
     * {@value #TEMPLATE}, the connection's Host {@code <realm>/<conn_id>} and Database the record's database. DBeaver
     * (its PostgreSQL data source) connects once to list {@code pg_database}, then, for each database other than the
     * connection's, copies the connection configuration with that database name and builds the URL from the template
     * again ({@code PostgreDataSource.openConnection}, {@code DatabaseURL.generateUrl}: a {@code [...]} part whose
     * variable is empty is left out). Each such connect reaches its database with the record's user and password.
     */
    @Test
    void showAllDatabasesReconnectsPerDatabaseWithTheRecordsCredentials() throws Exception {
        Driver driver = loadDriverAsDbeaverDoes();
        Properties props = LavaRealm.awsProperties(aws);
        String host = "dbeaver/warehouse";
        String configured = "dbv_dw";
        List<String> databases = new java.util.ArrayList<>();
        try (Connection bootstrap = driver.connect(dbeaverUrl(host, configured), props);
             Statement s = bootstrap.createStatement();
             ResultSet rs = s.executeQuery("SELECT db.datname FROM pg_catalog.pg_database db WHERE datallowconn "
                     + "AND NOT datistemplate AND has_database_privilege(db.datname, 'CONNECT') ORDER BY 1")) {
            while (rs.next()) {
                databases.add(rs.getString(1));
            }
        }
        assertThat(databases).contains("dbv_dw", "dbv_other", "postgres");
        for (String database : databases) {
            // the connection's own database through its own URL, every other one through the template again
            String url = dbeaverUrl(host, database);
            try (Connection c = driver.connect(url, props); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select current_database(), current_user")) {
                rs.next();
                assertThat(rs.getString(1)).as(url).isEqualTo(database);
                assertThat(rs.getString(2)).isEqualTo("dbv_etl");
            }
        }
        assertThat(dbeaverUrl(host, "dbv_other")).isEqualTo("jdbc:lava-pg:dbeaver/warehouse?database=dbv_other");
        assertThat(dbeaverUrl(host, "")).isEqualTo("jdbc:lava-pg:dbeaver/warehouse");
        try (Connection c = driver.connect(dbeaverUrl(host, "dbv_other"), props)) {
            assertThat(io.lava.jdbc.testing.Sql.value(c, "select db from dbv_marker")).isEqualTo("other");
        }
    }

    /** The URL template of the DBeaver driver definition in docs/dbeaver.md. */
    static final String TEMPLATE = "jdbc:lava-pg:{host}[?database={database}]";

    @Test
    void theTemplateIsTheOneTheDocsGive() {
        assertThat(io.lava.jdbc.testing.Docs.section("docs/dbeaver.md",
                "## Every database of the record's server (\"Show all databases\")"))
                .contains("URL template `" + TEMPLATE + "`", "*Driver type*: PostgreSQL", "*Show all databases*");
    }

    /** {@link #TEMPLATE} filled as DBeaver's {@code DatabaseURL.generateUrl} fills it. */
    private static String dbeaverUrl(String host, String database) {
        String url = TEMPLATE.replace("{host}", host);
        return database.isEmpty() ? url.replaceAll("\\[[^\\]]*\\]", "")
                : url.replace("[", "").replace("]", "").replace("{database}", database);
    }

    @Test
    void userAndPasswordTypedIntoTheToolAreIgnored() throws Exception {
        Driver driver = loadDriverAsDbeaverDoes();
        Properties props = LavaRealm.awsProperties(aws); // the "Driver properties" tab
        props.setProperty("user", "postgres");
        props.setProperty("password", TYPED_PASSWORD);
        try (Connection c = driver.connect("jdbc:lava-pg:dbeaver/warehouse", props);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select current_user, session_user, current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("dbv_etl");
            assertThat(rs.getString(2)).isEqualTo("dbv_etl");
            assertThat(rs.getString(3)).isEqualTo("dbv_dw");
            // DBeaver reads the metadata to pick its PostgreSQL dialect
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
            assertThat(c.getMetaData().getUserName()).isEqualTo("dbv_etl");
        }
    }
}
