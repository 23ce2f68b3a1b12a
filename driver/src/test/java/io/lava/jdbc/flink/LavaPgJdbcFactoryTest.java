package io.lava.jdbc.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ServiceLoader;
import org.apache.flink.connector.jdbc.core.database.JdbcFactory;
import org.junit.jupiter.api.Test;

/**
 * The factory against flink-connector-jdbc-core alone (the driver's provided dependency, no PostgreSQL module): which
 * URLs it accepts, its service file, and the messages when the PostgreSQL dialect is missing or a catalog is asked
 * for. tests/flink-* run it with the connector on Flink.
 */
class LavaPgJdbcFactoryTest {
    private final LavaPgJdbcFactory factory = new LavaPgJdbcFactory();

    @Test
    void acceptsOnlyLavaPgUrls() {
        assertThat(factory.acceptsURL("jdbc:lava-pg:acc/pg-flink")).isTrue();
        assertThat(factory.acceptsURL("jdbc:lava-pg:acc/pg-flink?awsRegion=us-east-1")).isTrue();
        assertThat(factory.acceptsURL("jdbc:postgresql://db/app")).isFalse();
        assertThat(factory.acceptsURL("JDBC:LAVA-PG:acc/pg-flink")).isFalse();
        assertThat(factory.acceptsURL("jdbc:lava-pgx:acc/pg-flink")).isFalse();
        assertThat(factory.acceptsURL(null)).isFalse();
    }

    @Test
    void theConnectorsServiceLoaderFindsIt() {
        assertThat(ServiceLoader.load(JdbcFactory.class).stream().map(p -> p.type().getName()))
                .contains(LavaPgJdbcFactory.class.getName());
    }

    @Test
    void withoutFlinksPostgresDialectTheMessageNamesTheJarsToAdd() {
        assertThatThrownBy(factory::createDialect).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No jdbc factory can handle url 'jdbc:postgresql:'")
                .hasMessageContaining("flink-connector-jdbc-postgres");
        assertThatThrownBy(() -> factory.createDialect("postgresql")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theJdbcCatalogIsNotOffered() {
        assertThatThrownBy(() -> factory.createCatalog(getClass().getClassLoader(), "c", "db", "u", "p",
                "jdbc:lava-pg:acc/pg-flink"))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("'url' = 'jdbc:lava-pg:<realm>/<conn_id>'");
    }
}
