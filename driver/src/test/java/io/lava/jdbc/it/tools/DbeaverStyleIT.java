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
