package io.lava.jdbc.internal.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.SourceException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ConnectionRecordTest {

    static Map<String, Object> valid() {
        Map<String, Object> m = new HashMap<>();
        m.put("conn_id", "warehouse");
        m.put("type", "postgres");
        m.put("enabled", true);
        m.put("host", "db.example.com");
        m.put("port", new BigDecimal(5432));
        m.put("database", "dw");
        m.put("user", "etl");
        m.put("password", "/lava/prod/etl");
        return m;
    }

    static Map<String, Object> with(String field, Object value) {
        Map<String, Object> m = valid();
        if (value == null) {
            m.remove(field);
        } else {
            m.put(field, value);
        }
        return m;
    }

    @Test
    void validRecord() {
        ConnectionRecord r = ConnectionRecord.of("warehouse", valid());
        assertThat(r).isEqualTo(new ConnectionRecord("warehouse", LavaType.POSTGRES, "db.example.com", 5432, "dw",
                "etl", "/lava/prod/etl", null, null, null, null));
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("type psql", with("type", "psql")),
                Arguments.of("type postgresql", with("type", "postgresql")),
                Arguments.of("type postgres-aurora", with("type", "postgres-aurora")),
                Arguments.of("type postgres-rds", with("type", "postgres-rds")),
                Arguments.of("type Postgres (lava lowercases)", with("type", "Postgres")),
                Arguments.of("type POSTGRES-AURORA", with("type", "POSTGRES-AURORA")),
                Arguments.of("type PostgreSQL", with("type", "PostgreSQL")),
                Arguments.of("type Psql", with("type", "Psql")),
                Arguments.of("enabled as string", with("enabled", "TRUE")),
                Arguments.of("port as string", with("port", "6543")),
                Arguments.of("port 1", with("port", new BigDecimal(1))),
                Arguments.of("port 65535", with("port", new BigDecimal(65535))),
                Arguments.of("port 5432.0", with("port", new BigDecimal("5432.0"))),
                Arguments.of("x- field of any type", with("x-notes", List.of("a"))),
                Arguments.of("X- field", with("X-Owner", new BigDecimal(3))),
                Arguments.of("unknown field ignored", with("preserve_case", true)),
                Arguments.of("no conn_id field (file records)", with("conn_id", null)),
                Arguments.of("no host yet (secret may fill)", with("host", null)),
                Arguments.of("empty password counts as absent", with("password", "")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void accepted(String name, Map<String, Object> attributes) {
        assertThat(ConnectionRecord.of("warehouse", attributes).connId()).isEqualTo("warehouse");
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(with("type", null), "08001", "no 'type' field"),
                Arguments.of(with("type", "mysql"), "08001", "type 'mysql' is not a PostgreSQL type"),
                Arguments.of(with("type", "MySQL"), "08001", "type 'MySQL' is not a PostgreSQL type; lava-pg handles: "
                        + "postgres, psql, postgresql, postgres-aurora, postgres-rds"),
                Arguments.of(with("type", "redshift"), "08001", "type 'redshift' is not a PostgreSQL type"),
                Arguments.of(with("type", " postgres"), "08001", "type ' postgres'"),
                Arguments.of(with("enabled", null), "28000", "connection not enabled"),
                Arguments.of(with("enabled", false), "28000", "connection not enabled"),
                Arguments.of(with("enabled", "false"), "28000", "connection not enabled"),
                Arguments.of(with("enabled", "yes"), "08001", "'enabled' must be a boolean"),
                Arguments.of(with("port", "54x2"), "08001", "'port' must be an integer from 1 to 65535"),
                Arguments.of(with("port", new BigDecimal(0)), "08001", "'port' must be an integer"),
                Arguments.of(with("port", new BigDecimal(65536)), "08001", "'port' must be an integer"),
                Arguments.of(with("port", new BigDecimal("5432.5")), "08001", "'port' must be an integer"),
                Arguments.of(with("port", true), "08001", "'port' must be an integer"),
                Arguments.of(with("host", new BigDecimal(1)), "08001", "'host' must be a string"),
                Arguments.of(with("user", List.of("a")), "08001", "'user' must be a string"),
                Arguments.of(with("ssl_mode", "prefer"), "08001", "(lava: Bad ssl_mode: prefer)"),
                Arguments.of(with("conn_id", "other"), "08001", "conn_id field is 'other'"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource
    void refused(Map<String, Object> attributes, String sqlState, String message) {
        assertThatThrownBy(() -> ConnectionRecord.of("warehouse", attributes))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((SourceException) e).sqlState()).isEqualTo(sqlState));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "Postgres, POSTGRES, false", "POSTGRES-AURORA, POSTGRES_AURORA, true", "Postgres-Rds, POSTGRES_RDS, true",
            "PSQL, PSQL, false", "postgresql, POSTGRESQL, false"})
    void typeIsComparedIgnoringCase(String typeName, LavaType expected, boolean iamCapable) {
        ConnectionRecord r = ConnectionRecord.of("warehouse", with("type", typeName));
        assertThat(r.type()).isEqualTo(expected);
        assertThat(r.type().iamCapable).isEqualTo(iamCapable);
    }

    @Test
    void disabledIsCheckedBeforeType() {
        Map<String, Object> m = with("type", "mysql");
        m.put("enabled", false);
        assertThatThrownBy(() -> ConnectionRecord.of("warehouse", m)).hasMessageContaining("not enabled");
    }
}
