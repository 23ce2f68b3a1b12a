package io.lava.jdbc;

import io.lava.jdbc.internal.record.ApplicationName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.util.PropertyElf;
import io.lava.jdbc.internal.request.ConnectionOptions;
import io.lava.jdbc.internal.request.ConnectionRef;
import io.lava.jdbc.internal.request.DataSourceSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.naming.NamingException;
import javax.naming.Reference;
import javax.naming.StringRefAddr;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGProperty;

/** The bean surface of {@link LavaPgDataSource}: setters, JNDI, serialization, and the URL + properties it builds. */
class LavaPgDataSourceTest {

    // ---- the setters and the enum ----

    private static List<Method> setters() {
        return Arrays.stream(LavaPgDataSource.class.getMethods())
                .filter(m -> m.getName().startsWith("set") && !Modifier.isStatic(m.getModifiers()))
                .toList();
    }

    /** The setting a setter writes: its name after "set", first letter lower-cased unless pgjdbc capitalises it. */
    private static String settingOf(Method setter) {
        String suffix = setter.getName().substring(3);
        return DataSourceSettings.ALL.contains(suffix) ? suffix
                : Character.toLowerCase(suffix.charAt(0)) + suffix.substring(1);
    }

    private static String setterName(String property) {
        return "set" + Character.toUpperCase(property.charAt(0)) + property.substring(1);
    }

    /** A value of the setter's type, distinct per setting, and its string form. */
    private static Object sample(Method setter) {
        Class<?> type = setter.getParameterTypes()[0];
        if (type == int.class) {
            return 7 + Math.abs(setter.getName().hashCode() % 100);
        }
        if (type == boolean.class) {
            return true;
        }
        return switch (settingOf(setter)) {
            case "url" -> "jdbc:lava-pg:prod/warehouse?recordTtl=5";
            case "pgProperties" -> "targetServerType=primary&options=-c%20x%3D1";
            default -> "v-" + settingOf(setter);
        };
    }

    @Test
    void noSetterNameIsOverloadedAndEveryOneTakesOneArgument() {
        Map<String, List<Method>> byName = setters().stream().collect(Collectors.groupingBy(Method::getName));
        assertThat(byName).allSatisfy((name, methods) -> {
            assertThat(methods).as(name).hasSize(1);
            assertThat(methods.get(0).getParameterCount()).as(name).isEqualTo(1);
        });
    }

    @Test
    void everyLavaPgPropertyHasExactlyOneSetterThatReachesTheDriver() throws Exception {
        for (LavaPgProperty property : LavaPgProperty.values()) {
            List<Method> found = setters().stream().filter(m -> m.getName().equals(setterName(property.getName())))
                    .toList();
            assertThat(found).as("setter for LavaPgProperty %s", property).hasSize(1);
            LavaPgDataSource ds = new LavaPgDataSource();
            Object value = sample(found.get(0));
            found.get(0).invoke(ds, value);
            Properties driverProperties = DataSourceSettings.properties(ds.snapshot());
            assertThat(driverProperties.getProperty(property.getName())).as(property.getName())
                    .isEqualTo(String.valueOf(value));
        }
    }

    @Test
    void everySetterIsASettingWithAGetterAndPgjdbcOnesArePgjdbcProperties() throws Exception {
        for (Method setter : setters()) {
            if (setter.getName().equals("setLogWriter")) {
                continue;
            }
            String setting = settingOf(setter);
            assertThat(DataSourceSettings.ALL).as(setter.getName()).contains(setting);
            Method getter = LavaPgDataSource.class.getMethod("get" + setter.getName().substring(3));
            assertThat(getter.getReturnType()).as(getter.getName()).isEqualTo(setter.getParameterTypes()[0]);
            Class<?> type = setter.getParameterTypes()[0];
            assertThat(DataSourceSettings.INTS.contains(setting)).as(setting + " is an int")
                    .isEqualTo(type == int.class);
            assertThat(DataSourceSettings.BOOLEANS.contains(setting)).as(setting + " is a boolean")
                    .isEqualTo(type == boolean.class);
            LavaPgDataSource ds = new LavaPgDataSource();
            setter.invoke(ds, sample(setter));
            assertThat(getter.invoke(ds)).as(getter.getName()).isEqualTo(sample(setter));
        }
        assertThat(setters()).hasSize(DataSourceSettings.ALL.size() + 1); // + setLogWriter
        for (String pg : DataSourceSettings.PGJDBC) {
            assertThat(PGProperty.forName(pg)).as(pg).isNotNull();
        }
    }

    @Test
    void unsetNumbersReadAsTheDefaults() {
        LavaPgDataSource ds = new LavaPgDataSource();
        assertThat(ds.getRecordTtl()).isEqualTo(60);
        assertThat(ds.getParameterTtl()).isEqualTo(300);
        assertThat(ds.getSecretTtl()).isEqualTo(300);
        assertThat(ds.getIamTokenTtl()).isEqualTo(840);
        assertThat(ds.getMaxStale()).isEqualTo(3600);
        assertThat(ds.getAwsApiCallTimeout()).isEqualTo(60);
        assertThat(ds.getAwsApiCallAttemptTimeout()).isEqualTo(3);
        assertThat(ds.getIamPort()).isZero();
        assertThat(ds.getLoginTimeout()).isZero();
        assertThat(ds.getConnectTimeout()).isEqualTo(10);
        assertThat(ds.getTcpKeepAlive()).isFalse();
        assertThat(ds.snapshot()).isEmpty();
    }

    @Test
    void hikariPropertyElfFindsEverySetterByThePropertyName() {
        // HikariCP: dataSource.<name> -> "set" + first letter upper-cased; the first method with that name and one
        // parameter wins; ints parsed with Integer.parseInt, booleans with Boolean.parseBoolean.
        Properties hikari = new Properties();
        hikari.setProperty("realm", "prod");
        hikari.setProperty("connId", "warehouse");
        hikari.setProperty("ApplicationName", "pool");
        hikari.setProperty("recordTtl", "30");
        hikari.setProperty("tcpKeepAlive", "true");
        hikari.setProperty("sslmode", "require");
        hikari.setProperty("sslrootcert", "/etc/ca.pem");
        hikari.setProperty("pgProperties", "targetServerType=primary");
        LavaPgDataSource ds = new LavaPgDataSource();
        PropertyElf.setTargetFromProperties(ds, hikari);
        assertThat(ds.snapshot()).isEqualTo(new TreeMap<>(Map.of("realm", "prod", "connId", "warehouse",
                "ApplicationName", "pool", "recordTtl", "30", "tcpKeepAlive", "true", "sslmode", "require",
                "sslrootcert", "/etc/ca.pem", "pgProperties", "targetServerType=primary")));

        Properties lowerCase = new Properties();
        lowerCase.setProperty("applicationName", "lower");
        PropertyElf.setTargetFromProperties(ds, lowerCase);
        assertThat(ds.getApplicationName()).isEqualTo("lower");
    }

    // ---- JNDI and serialization ----

    private static LavaPgDataSource everythingSet() throws Exception {
        LavaPgDataSource ds = new LavaPgDataSource();
        for (Method setter : setters()) {
            if (!setter.getName().equals("setLogWriter") && !setter.getName().equals("setUrl")) {
                setter.invoke(ds, sample(setter));
            }
        }
        return ds;
    }

    @Test
    void jndiReferenceRoundTripsEverySetting() throws Exception {
        LavaPgDataSource ds = everythingSet();
        Reference reference = ds.getReference();
        assertThat(reference.getFactoryClassName()).isEqualTo(LavaPgDataSourceFactory.class.getName());
        assertThat(reference.getClassName()).isEqualTo(LavaPgDataSource.class.getName());
        assertThat(reference.size()).isEqualTo(DataSourceSettings.ALL.size() - 1); // all but url

        Object rebuilt = new LavaPgDataSourceFactory().getObjectInstance(reference, null, null, null);
        assertThat(rebuilt).isInstanceOfSatisfying(LavaPgDataSource.class, copy -> {
            assertThat(copy.snapshot()).isEqualTo(ds.snapshot());
            assertThat(copy.toString()).isEqualTo(ds.toString());
        });

        LavaPgDataSource withUrl = new LavaPgDataSource();
        withUrl.setUrl("jdbc:lava-pg:warehouse?recordTtl=5");
        withUrl.setRealm("prod");
        LavaPgDataSource copy = (LavaPgDataSource) new LavaPgDataSourceFactory()
                .getObjectInstance(withUrl.getReference(), null, null, null);
        assertThat(copy.getUrl()).isEqualTo("jdbc:lava-pg:warehouse?recordTtl=5");
        assertThat(copy.getRealm()).isEqualTo("prod");
    }

    @Test
    void factoryTakesAContainerResourceAndIgnoresItsOwnAttributes() throws Exception {
        // what Tomcat builds from <Resource type="javax.sql.DataSource" factory="..." realm=... connId=... />
        Reference resource = new Reference(DataSource.class.getName(), LavaPgDataSourceFactory.class.getName(), null);
        for (String[] attribute : new String[][] {{"auth", "Container"}, {"scope", "Shareable"},
                {"singleton", "true"}, {"description", "warehouse"}, {"realm", "prod"}, {"connId", "warehouse"},
                {"recordTtl", " 30 "}, {"ApplicationName", "reports"}}) {
            resource.add(new StringRefAddr(attribute[0], attribute[1]));
        }
        LavaPgDataSource ds = (LavaPgDataSource) new LavaPgDataSourceFactory()
                .getObjectInstance(resource, null, null, null);
        assertThat(ds.snapshot()).isEqualTo(new TreeMap<>(Map.of("realm", "prod", "connId", "warehouse",
                "recordTtl", "30", "ApplicationName", "reports")));
    }

    @Test
    void factoryLeavesOtherObjectsToOtherFactories() throws Exception {
        LavaPgDataSourceFactory factory = new LavaPgDataSourceFactory();
        assertThat(factory.getObjectInstance("not a reference", null, null, null)).isNull();
        assertThat(factory.getObjectInstance(new Reference("org.postgresql.ds.PGSimpleDataSource"), null, null, null))
                .isNull();
    }

    static List<Arguments> badAddresses() {
        return List.of(
                Arguments.of("connid", "warehouse", "'connid' is not a LavaPgDataSource setting; known: "),
                Arguments.of("recordTtl", "sixty", "'recordTtl' must be a whole number"),
                Arguments.of("tcpKeepAlive", "yes", "'tcpKeepAlive' must be true or false"),
                Arguments.of("pgProperties", "options=%zz", "bad percent-encoding in the value of 'options'"));
    }

    @ParameterizedTest
    @MethodSource("badAddresses")
    void factoryRefusesUnknownOrMistypedAddresses(String name, String value, String message) {
        Reference reference = new Reference(LavaPgDataSource.class.getName());
        reference.add(new StringRefAddr(name, value));
        assertThatThrownBy(() -> new LavaPgDataSourceFactory().getObjectInstance(reference, null, null, null))
                .isInstanceOf(NamingException.class).hasMessageContaining(message);
    }

    @Test
    void javaSerializationRoundTripsEverySetting() throws Exception {
        LavaPgDataSource ds = everythingSet();
        ds.setLogWriter(new PrintWriter(new StringWriter()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(ds);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            LavaPgDataSource copy = (LavaPgDataSource) in.readObject();
            assertThat(copy.snapshot()).isEqualTo(ds.snapshot()).hasSize(DataSourceSettings.ALL.size() - 1);
            assertThat(copy.getLogWriter()).isNull();
            copy.setRecordTtl(1); // still a working, mutable data source
            assertThat(copy.getRecordTtl()).isEqualTo(1);
        }
    }

    // ---- what getConnection hands the driver ----

    static List<Arguments> unconnectable() {
        return List.of(
                Arguments.of((Consumer<LavaPgDataSource>) ds -> { }, "url: no connection set. Set connId"),
                Arguments.of((Consumer<LavaPgDataSource>) ds -> ds.setRealm("prod"), "no connection set"),
                Arguments.of((Consumer<LavaPgDataSource>) ds -> {
                    ds.setUrl("jdbc:lava-pg:prod/warehouse");
                    ds.setConnId("warehouse");
                }, "both url and connId are set"),
                Arguments.of((Consumer<LavaPgDataSource>) ds -> ds.setUrl("jdbc:postgresql://h/db"),
                        "url does not start with 'jdbc:lava-pg:'"),
                Arguments.of((Consumer<LavaPgDataSource>) ds -> ds.setConnId("warehouse"),
                        "no realm for conn_id 'warehouse'"), // the test JVM has no LAVA_REALM
                Arguments.of((Consumer<LavaPgDataSource>) ds -> {
                    ds.setRealm("prod");
                    ds.setConnId("warehouse");
                    ds.setRecordTtl(-1);
                }, "property recordTtl='-1' is not a whole number of seconds >= 0"),
                Arguments.of((Consumer<LavaPgDataSource>) ds -> {
                    ds.setRealm("prod");
                    ds.setConnId("warehouse");
                    ds.setSslmode("sometimes");
                }, "property sslmode='sometimes'"));
    }

    @ParameterizedTest
    @MethodSource("unconnectable")
    void getConnectionWithoutAUsableSettingIs08001BeforeAnyAwsCall(Consumer<LavaPgDataSource> configure,
                                                                 String message) {
        LavaPgDataSource ds = new LavaPgDataSource();
        configure.accept(ds);
        assertThatThrownBy(ds::getConnection).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("08001");
            assertThat(e.getMessage()).startsWith("lava-pg realm ").contains(message);
        });
        assertThatThrownBy(() -> ds.getConnection("someone", "typed-password"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08001"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"warehouse", "team/warehouse", "a b+c%d?e&f=g", "ünï"})
    void connIdTravelsToTheDriverUnchanged(String connId) throws Exception {
        LavaPgDataSource ds = new LavaPgDataSource();
        ds.setRealm("prod");
        ds.setConnId(connId);
        Map<String, String> snapshot = ds.snapshot();
        ConnectionRef ref = ConnectionRef.parse(DataSourceSettings.url(snapshot),
                DataSourceSettings.properties(snapshot), key -> null);
        assertThat(ref.realm()).isEqualTo("prod");
        assertThat(ref.connId()).isEqualTo(connId);
    }

    @Test
    void urlQueryWinsOverSettingsAndSettingsOverPgProperties() throws Exception {
        LavaPgDataSource ds = new LavaPgDataSource();
        ds.setUrl("jdbc:lava-pg:warehouse?recordTtl=5");
        ds.setRealm("prod");
        ds.setRecordTtl(30);
        ds.setApplicationName("explicit");
        ds.setPgProperties("ApplicationName=from-bag&options=-c+search_path%3Detl&targetServerType=primary"
                + "&user=u&password=p");
        ds.setLoginTimeout(7);
        Map<String, String> snapshot = ds.snapshot();
        Properties properties = DataSourceSettings.properties(snapshot);
        assertThat(properties).containsEntry("ApplicationName", "explicit")
                .containsEntry("options", "-c search_path=etl")
                .containsEntry("targetServerType", "primary")
                .containsEntry("loginTimeout", "7")
                .doesNotContainKeys("url", "connId", "pgProperties");
        ConnectionRef ref = ConnectionRef.parse(DataSourceSettings.url(snapshot), properties, key -> null);
        assertThat(ref.realm()).isEqualTo("prod");
        ConnectionOptions options = ConnectionOptions.of(ref, key -> null);
        assertThat(options.recordTtl()).hasSeconds(5);
        assertThat(options.pgProperties()).doesNotContainKeys("user", "password");
    }

    @ParameterizedTest
    @ValueSource(strings = {"options=%zz", "=value", "a=1&%G0=2"})
    void malformedPgPropertiesAreRefusedWithoutEchoingTheValue(String bag) {
        assertThatThrownBy(() -> new LavaPgDataSource().setPgProperties(bag))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("pgProperties: ")
                .message().doesNotContain("%zz");
    }

    @Test
    void blankUnsetsASetting() {
        LavaPgDataSource ds = new LavaPgDataSource();
        ds.setAwsRegion("eu-west-1");
        ds.setAwsRegion("  ");
        ds.setConnId(" warehouse ");
        assertThat(ds.snapshot()).isEqualTo(Map.of("connId", "warehouse"));
    }

    // ---- the rest of the DataSource contract ----

    @Test
    void toStringShowsRealmConnIdAndSettingsButNoPassword() {
        LavaPgDataSource ds = new LavaPgDataSource();
        ds.setConnId("warehouse");
        ds.setRealm("prod");
        ds.setAwsRegion("eu-west-1");
        ds.setRecordTtl(30);
        ds.setPgProperties("sslpassword=key-secret&targetServerType=primary&pass%77ord=typed-secret");
        assertThat(ds.toString()).isEqualTo("LavaPgDataSource[realm=prod, connId=warehouse, awsRegion=eu-west-1, "
                + "pgProperties=sslpassword=***&targetServerType=primary&pass%77ord=***, recordTtl=30]");

        LavaPgDataSource byUrl = new LavaPgDataSource();
        byUrl.setUrl("jdbc:lava-pg:prod/warehouse?password=url-secret&ApplicationName=x");
        assertThat(byUrl.toString()).isEqualTo(
                "LavaPgDataSource[url=jdbc:lava-pg:prod/warehouse?password=***&ApplicationName=x]")
                .doesNotContain("url-secret");
    }

    @Test
    void loginTimeoutLogWriterParentLoggerAndWrapper() throws SQLException {
        LavaPgDataSource ds = new LavaPgDataSource();
        ds.setLoginTimeout(12);
        assertThat(ds.getLoginTimeout()).isEqualTo(12);
        assertThat(DataSourceSettings.properties(ds.snapshot())).containsEntry("loginTimeout", "12");
        PrintWriter writer = new PrintWriter(new StringWriter());
        ds.setLogWriter(writer);
        assertThat(ds.getLogWriter()).isSameAs(writer);
        assertThat(ds.getParentLogger().getName()).isEqualTo("io.lava.jdbc");
        assertThat(ds.isWrapperFor(DataSource.class)).isTrue();
        assertThat(ds.unwrap(LavaPgDataSource.class)).isSameAs(ds);
        assertThat(ds.isWrapperFor(Collections.class)).isFalse();
        assertThatThrownBy(() -> ds.unwrap(org.postgresql.ds.PGSimpleDataSource.class))
                .isInstanceOf(SQLException.class).hasMessageContaining("not a wrapper");
    }

    @Test
    void settingsAreNamedAsTheDriverAndPgjdbcNameThem() {
        for (String setting : DataSourceSettings.ALL) {
            boolean known = LavaPgProperty.forName(setting) != null || PGProperty.forName(setting) != null
                    || List.of("url", "connId", "pgProperties").contains(setting);
            assertThat(known).as(setting).isTrue();
            assertThat(setting.toLowerCase(Locale.ROOT)).isNotIn("user", "password");
        }
    }
}
