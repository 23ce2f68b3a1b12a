package io.lava.jdbc.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.Properties;
import org.apache.tomcat.jdbc.pool.DataSource;
import org.apache.tomcat.jdbc.pool.DataSourceFactory;
import org.apache.tomcat.jdbc.pool.PoolConfiguration;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/pools.md} "Tomcat JDBC pool": the snippet's properties through the pool's own parser
 * ({@link DataSourceFactory#parsePoolProperties}, the one that reads a {@code <Resource>}'s attributes), then the
 * pool's validation on borrow ({@code Connection.isValid}, no {@code validationQuery}).
 */
class TomcatJdbcPoolIT extends RecipeHarness {
    @Test
    void poolFromThePagesPropertiesValidatesWithIsValid() throws Exception {
        Properties properties = Recipe.snippets("docs/pools.md", "## Tomcat JDBC pool").get(0).atHarness(realm, aws)
                .properties();
        PoolConfiguration config = DataSourceFactory.parsePoolProperties(properties);
        assertThat(config.getDriverClassName()).isEqualTo("io.lava.jdbc.LavaPgDriver");
        assertThat(config.getValidationQuery()).as("the pool validates with Connection.isValid").isNull();
        assertThat(config.isTestOnBorrow()).isTrue();
        assertThat(config.getUsername()).isNull();
        assertThat(config.getPassword()).isNull();
        // validationInterval (3 s by default) skips the check for a connection validated that recently
        config.setValidationInterval(0);
        DataSource pool = new DataSource(config);
        try {
            assertThat(pool.getMaxActive()).isEqualTo(20);
            servesTheRecordsUserAndRecovers(pool, "reports");
            assertThat(pool.getSize()).as("initialSize 10 by default").isBetween(1, 20);
            assertThat(config.toString()).doesNotContain(password);
        } finally {
            pool.close(true);
        }
    }
}
