package io.lava.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.engine.Engine;
import io.lava.jdbc.testing.Docs;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class LavaPgDriverTest {
    private final LavaPgDriver driver = new LavaPgDriver(Engine.create(key -> null));

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"jdbc:postgresql://localhost/db", "jdbc:mysql://h/d", "jdbc:lava-pgsql:x/y", "lava-pg:x/y",
            "jdbc:aws-wrapper:postgresql://h/d"})
    void foreignUrlsAreNotOurs(String url) throws SQLException {
        assertThat(driver.acceptsURL(url)).isFalse();
        assertThat(driver.connect(url, new Properties())).isNull();
        assertThat(driver.connect(url, null)).isNull();
    }

    /**
     * The OpenTelemetry Java agent rewrites the {@code connect(String, Properties)} that a class implementing
     * {@link Driver} declares, and records that call's URL for the connection: the driver inherits its connect from
     * a class that does not implement {@link Driver}, so pgjdbc's own connect is the one recorded
     * (docs/opentelemetry.md; OpenTelemetryAgentIT runs the agent).
     */
    @Test
    void connectIsInheritedFromAClassTheOpenTelemetryAgentLeavesAlone() throws NoSuchMethodException {
        assertThat(Arrays.stream(LavaPgDriver.class.getDeclaredMethods()).map(java.lang.reflect.Method::getName))
                .noneMatch(name -> name.startsWith("connect"));
        Class<?> declaring = LavaPgDriver.class.getMethod("connect", String.class, Properties.class)
                .getDeclaringClass();
        assertThat(declaring).isEqualTo(io.lava.jdbc.internal.engine.EngineDriver.class);
        assertThat(Driver.class.isAssignableFrom(declaring)).isFalse();
        assertThat(java.lang.reflect.Modifier.isPublic(declaring.getModifiers()))
                .as("public: javac adds a bridge method for a public method inherited from a package-private class")
                .isTrue();
    }

    @Test
    void registeredThroughServiceLoaderAndStaticInitializer() throws SQLException {
        assertThat(ServiceLoader.load(Driver.class).stream().map(ServiceLoader.Provider::type))
                .contains(LavaPgDriver.class);
        assertThat(DriverManager.getDriver("jdbc:lava-pg:prod/warehouse")).isInstanceOf(LavaPgDriver.class);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void propertyInfoListsOursThenPgjdbcsWithNullOrEmptyProperties(Properties info) {
        DriverPropertyInfo[] infos = driver.getPropertyInfo("jdbc:lava-pg:prod/warehouse", info);
        List<String> names = Arrays.stream(infos).map(i -> i.name).toList();
        List<String> ours = Arrays.stream(LavaPgProperty.values()).map(LavaPgProperty::getName).toList();
        assertThat(names.subList(0, ours.size())).isEqualTo(ours);
        assertThat(names).contains("ApplicationName", "sslmode", "sslrootcert", "connectTimeout", "user", "password");
        for (int i = 0; i < ours.size(); i++) {
            LavaPgProperty p = LavaPgProperty.values()[i];
            assertThat(infos[i].value).isEqualTo(p.getDefaultValue());
            assertThat(infos[i].description).isEqualTo(p.getDescription());
            assertThat(infos[i].required).isFalse();
        }
    }

    @Test
    void propertyInfoShowsCurrentValuesButNeverAPassword() {
        Properties info = new Properties();
        info.setProperty("user", "dbeaver-user");
        info.setProperty("password", "dbeaver-secret");
        info.setProperty("sslpassword", "key-secret");
        DriverPropertyInfo[] infos = driver.getPropertyInfo("jdbc:lava-pg:prod/w?recordTtl=5&awsRegion=eu-west-1",
                info);
        assertThat(infos).filteredOn(i -> i.name.equals("recordTtl")).singleElement()
                .extracting(i -> i.value).isEqualTo("5");
        assertThat(infos).filteredOn(i -> i.name.equals("awsRegion")).singleElement()
                .extracting(i -> i.value).isEqualTo("eu-west-1");
        assertThat(Arrays.stream(infos).map(i -> i.value)).doesNotContain("dbeaver-secret", "key-secret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:lava-pg:", "jdbc:lava-pg:a/b//c", "jdbc:lava-pg:a/b/", "jdbc:lava-pg:p/%zz", "jdbc:lava-pg:x?=1"})
    void propertyInfoNeverThrowsForHalfTypedUrls(String url) {
        assertThat(driver.getPropertyInfo(url, null)).isNotEmpty();
    }

    @Test
    void versionsComeFromTheBuild() throws Exception {
        Properties build = new Properties();
        try (var in = LavaPgDriver.class.getResourceAsStream("version.properties")) {
            build.load(in);
        }
        String version = build.getProperty("version");
        assertThat(version).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(driver.getMajorVersion() + "." + driver.getMinorVersion() + ".").isEqualTo(
                version.substring(0, version.indexOf('.', version.indexOf('.') + 1) + 1));
        assertThat(driver.jdbcCompliant()).isFalse();
        assertThat(driver.getParentLogger().getName()).isEqualTo("io.lava.jdbc");
    }

    @Test
    void malformedUrlIsAClearSqlException() {
        assertThatThrownBy(() -> driver.connect("jdbc:lava-pg:a/b//c", null))
                .isInstanceOf(SQLException.class)
                .hasMessageStartingWith("lava-pg realm (none), conn_id (none): url: malformed URL")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("08001");
    }

    @Test
    void invalidTtlNamesTheProperty() {
        assertThatThrownBy(() -> driver.connect("jdbc:lava-pg:p/c?recordTtl=soon", null))
                .hasMessageContaining("recordTtl='soon' is not a whole number of seconds");
        assertThatThrownBy(() -> driver.connect("jdbc:lava-pg:p/c?awsEndpointUrl=localhost:4566", null))
                .hasMessageContaining("awsEndpointUrl='localhost:4566' is not an absolute http");
    }

    @Test
    void docsPropertyTableHasARowPerProperty() {
        String table = Docs.section("docs/connecting.md", "## Properties");
        for (LavaPgProperty p : LavaPgProperty.values()) {
            String def = p.getDefaultValue() == null ? "" : p.getDefaultValue();
            assertThat(table).as("docs/connecting.md ## Properties row for %s", p.getName())
                    .containsPattern("\\| `" + p.getName() + "` \\| " + java.util.regex.Pattern.quote(def.isEmpty()
                            ? "" : "`" + def + "`") + " *\\|");
        }
    }
}
