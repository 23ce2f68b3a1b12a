package io.lava.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.SourceException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.naming.NamingException;
import javax.naming.Reference;
import javax.naming.StringRefAddr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The facts {@link LavaPgProperty} carries and the typed, checked reads built on them. */
class LavaPgPropertyTest {

    @Test
    void everyDefaultIsInItsOwnRangeAndEveryNumberHasOne() {
        for (LavaPgProperty p : LavaPgProperty.values()) {
            assertThat(p.accepts(p.getDefaultValue())).as(p.getName()).isTrue();
            boolean number = p.getType() != LavaPgProperty.Type.STRING;
            assertThat(p.getMin() != null && p.getMax() != null && p.getRange() != null).as(p.getName())
                    .isEqualTo(number);
            if (number) {
                assertThat(p.getMax()).as(p.getName()).isBetween(p.getMin(), LavaPgProperty.UNBOUNDED);
            }
            assertThat(p.getUnit()).as(p.getName())
                    .isEqualTo(p.getType() == LavaPgProperty.Type.SECONDS ? "seconds" : null);
            assertThat(LavaPgProperty.forName(p.getName())).isSameAs(p);
        }
        assertThat(LavaPgProperty.MAX_IAM_TOKEN_TTL_SECONDS).isLessThan(LavaPgProperty.IAM_TOKEN_LIFETIME_SECONDS);
        assertThat(LavaPgProperty.IAM_TOKEN_TTL.getMax()).isEqualTo(LavaPgProperty.MAX_IAM_TOKEN_TTL_SECONDS);
    }

    @Test
    void typedReadsReturnTheValueElseTheDefault() {
        Map<String, String> set = Map.of("recordTtl", " 5 ", "iamPort", "5433");
        assertThat(LavaPgProperty.RECORD_TTL.getSeconds(set)).isEqualTo(Duration.ofSeconds(5));
        assertThat(LavaPgProperty.SECRET_TTL.getSeconds(set)).isEqualTo(Duration.ofSeconds(300));
        assertThat(LavaPgProperty.IAM_PORT.getPort(set)).isEqualTo(5433);
        assertThat(LavaPgProperty.IAM_PORT.getPort(Map.of("iamPort", " "))).isNull();
        assertThat(LavaPgProperty.RECORD_TTL.getSeconds(Map.of("recordTtl", "2147483647")))
                .hasSeconds(Integer.MAX_VALUE);
        assertThatThrownBy(() -> LavaPgProperty.RECORD_TTL.getPort(set)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> LavaPgProperty.REALM.getInt(set)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theEnvironmentVariableIsTheFallbackOfAnUnsetProperty() {
        Map<String, String> env = Map.of("LAVA_CONNECTIONS_FILE", "/env.json", "LAVA_REALM", "from-env");
        assertThat(LavaPgProperty.CONNECTIONS_FILE.get(Map.of(), env::get)).isEqualTo("/env.json");
        assertThat(LavaPgProperty.CONNECTIONS_FILE.get(Map.of("connectionsFile", "/p.json"), env::get))
                .isEqualTo("/p.json");
        assertThat(LavaPgProperty.AWS_REGION.get(Map.of(), env::get)).isNull();
        assertThat(LavaPgProperty.REALM.getEnvironmentVariable()).isEqualTo("LAVA_REALM");
        assertThat(LavaPgProperty.REALM.getDescription()).endsWith("falls back to the LAVA_REALM environment variable");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "recordTtl=-1      | property recordTtl='-1' is not a whole number of seconds >= 0. Fix the property or "
                + "leave it out (default 60)",
        "maxStale=2147483648 | property maxStale='2147483648' is not a whole number of seconds >= 0. Fix the "
                + "property or leave it out (default 3600)",
        "awsApiCallTimeout=0 | property awsApiCallTimeout='0' is not a whole number of seconds from 1 to 3600. Fix "
                + "the property or leave it out (default 60)",
        "iamTokenTtl=871   | property iamTokenTtl='871' is not a whole number of seconds from 1 to 870. Fix the "
                + "property or leave it out (default 840)",
        "iamPort=x         | property iamPort='x' is not a port number from 1 to 65535. Fix the property"})
    void aBadValueIs08001NamingThePropertyValueRangeAndDefault(String setting, String message) {
        String[] pair = setting.split("=");
        LavaPgProperty p = LavaPgProperty.forName(pair[0]);
        Map<String, String> properties = Map.of(pair[0], pair[1]);
        assertThatThrownBy(() -> {
            if (p.getType() == LavaPgProperty.Type.PORT) {
                p.getPort(properties);
            } else {
                p.getSeconds(properties);
            }
        }).isInstanceOfSatisfying(SourceException.class, e -> {
            assertThat(e.sqlState()).isEqualTo("08001");
            assertThat(e).hasMessage(message);
        });
    }

    static List<Arguments> outOfRangeAddresses() {
        return List.of(
                Arguments.of("recordTtl", "-1", "'recordTtl' must be a whole number of seconds >= 0, not '-1' "
                        + "(default 60)"),
                Arguments.of("iamTokenTtl", "900", "'iamTokenTtl' must be a whole number of seconds from 1 to 870, "
                        + "not '900' (default 840)"),
                Arguments.of("iamPort", "70000", "'iamPort' must be a port number from 1 to 65535, not '70000'"),
                Arguments.of("connectTimeout", "soon", "'connectTimeout' must be a whole number, not 'soon'"));
    }

    @ParameterizedTest
    @MethodSource("outOfRangeAddresses")
    void jndiChecksTheEnumsTypeAndRange(String name, String value, String message) {
        Reference reference = new Reference(LavaPgDataSource.class.getName());
        reference.add(new StringRefAddr(name, value));
        assertThatThrownBy(() -> new LavaPgDataSourceFactory().getObjectInstance(reference, null, null, null))
                .isInstanceOf(NamingException.class).hasMessage("LavaPgDataSourceFactory: " + message);
    }

    @Test
    void dataSourceGettersReportTheEnumsDefaultsAndSettersStoreUnderItsNames() throws Exception {
        for (LavaPgProperty p : LavaPgProperty.values()) {
            String bean = Character.toUpperCase(p.getName().charAt(0)) + p.getName().substring(1);
            Method getter = LavaPgDataSource.class.getMethod("get" + bean);
            Object unset = getter.invoke(new LavaPgDataSource());
            if (p.getType() == LavaPgProperty.Type.STRING) {
                assertThat(getter.getReturnType()).as(p.getName()).isEqualTo(String.class);
                assertThat(unset).as(p.getName()).isEqualTo(p.getDefaultValue());
            } else {
                assertThat(getter.getReturnType()).as(p.getName()).isEqualTo(int.class);
                assertThat(unset).as(p.getName()).isEqualTo(
                        p.getDefaultValue() == null ? 0 : Integer.parseInt(p.getDefaultValue()));
            }
        }
        Map<String, String> settings = new HashMap<>();
        LavaPgProperty.IAM_TOKEN_TTL.set(settings, 900);
        LavaPgProperty.AWS_REGION.set(settings, " eu-west-1 ");
        assertThat(settings).isEqualTo(Map.of("iamTokenTtl", "900", "awsRegion", "eu-west-1"));
        LavaPgProperty.AWS_REGION.set(settings, " ");
        assertThat(settings).containsOnlyKeys("iamTokenTtl");
        assertThat(LavaPgProperty.IAM_TOKEN_TTL.getInt(settings)).isEqualTo(900); // checked when connecting
    }

    @Test
    void propertyInfoCarriesTheCurrentValueElseTheDefault() {
        Properties current = new Properties();
        current.setProperty("recordTtl", "5");
        assertThat(LavaPgProperty.RECORD_TTL.toDriverPropertyInfo(current))
                .extracting(i -> i.name, i -> i.value, i -> i.required, i -> i.choices)
                .containsExactly("recordTtl", "5", false, null);
        assertThat(LavaPgProperty.IAM_TOKEN_TTL.toDriverPropertyInfo(new Properties()).value).isEqualTo("840");
    }
}
