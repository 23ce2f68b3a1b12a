package io.lava.jdbc.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.LavaPgDataSource;
import java.sql.Connection;
import java.util.Properties;
import org.apache.commons.dbcp2.BasicDataSource;
import org.apache.commons.dbcp2.BasicDataSourceFactory;
import org.apache.commons.dbcp2.DataSourceConnectionFactory;
import org.apache.commons.dbcp2.PoolableConnection;
import org.apache.commons.dbcp2.PoolableConnectionFactory;
import org.apache.commons.dbcp2.PoolingDataSource;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/pools.md} "Apache DBCP2": the properties of the snippet through DBCP2's own
 * {@link BasicDataSourceFactory} ({@code driverClassName}, {@code url}, {@code connectionProperties}), with its
 * validation on borrow ({@code Connection.isValid}, no {@code validationQuery}); and a {@link LavaPgDataSource} as the
 * connection factory of a {@link PoolingDataSource}.
 */
class Dbcp2IT extends RecipeHarness {
    @Test
    void basicDataSourceFromThePagesPropertiesValidatesWithIsValid() throws Exception {
        Properties properties = Recipe.snippets("docs/pools.md", "## Apache DBCP2").get(0).atHarness(realm, aws)
                .properties();
        assertThat(properties.getProperty("driverClassName")).isEqualTo("io.lava.jdbc.LavaPgDriver");
        try (BasicDataSource pool = BasicDataSourceFactory.createDataSource(properties)) {
            assertThat(pool.getMaxTotal()).isEqualTo(20);
            assertThat(pool.getValidationQuery()).as("DBCP2 validates with Connection.isValid").isNull();
            assertThat(pool.getTestOnBorrow()).isTrue();
            assertThat(pool.getUsername()).isNull();
            assertThat(pool.getPassword()).isNull();
            servesTheRecordsUserAndRecovers(pool, "reports");
            assertThat(pool.getNumActive() + pool.getNumIdle()).isEqualTo(1);
        }
        assertThat(properties.toString()).doesNotContain(password);
    }

    @Test
    void lavaDataSourceAsTheConnectionFactoryOfAPoolingDataSource() throws Exception {
        LavaPgDataSource lava = new LavaPgDataSource();
        lava.setRealm(realm);
        lava.setConnId("warehouse");
        lava.setAwsRegion("us-east-1");
        lava.setAwsEndpointUrl(aws.endpoint());
        lava.setApplicationName("reports-ds");
        PoolableConnectionFactory factory = new PoolableConnectionFactory(new DataSourceConnectionFactory(lava), null);
        try (GenericObjectPool<PoolableConnection> objects = new GenericObjectPool<>(factory)) {
            factory.setPool(objects);
            objects.setTestOnBorrow(true);
            try (PoolingDataSource<PoolableConnection> pool = new PoolingDataSource<>(objects);
                 Connection c = pool.getConnection()) {
                assertThat(Recipe.query(c, "select current_user")).isEqualTo(Recipe.user(realm));
                assertThat(Recipe.query(c, "select current_setting('application_name')")).isEqualTo("reports-ds");
            }
        }
        assertThat(lava.toString()).doesNotContain(password);
    }
}
