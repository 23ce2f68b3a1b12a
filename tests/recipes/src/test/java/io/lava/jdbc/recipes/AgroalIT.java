package io.lava.jdbc.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionFactoryConfiguration;
import io.agroal.api.configuration.AgroalDataSourceConfiguration;
import io.agroal.api.configuration.supplier.AgroalPropertiesReader;
import io.agroal.api.exceptionsorter.PostgreSQLExceptionSorter;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/pools.md} "Agroal": the snippet's properties through Agroal's own {@link AgroalPropertiesReader}
 * ({@code providerClassName} the driver, {@code jdbcUrl}, {@code jdbcProperties}), pooled by {@code agroal-pool}
 * with its default validator ({@code Connection.isValid}) on borrow.
 */
class AgroalIT extends RecipeHarness {
    @Test
    void dataSourceFromThePagesPropertiesValidatesOnBorrow() throws Exception {
        AgroalDataSourceConfiguration config = new AgroalPropertiesReader()
                .readProperties(Recipe.snippets("docs/pools.md", "## Agroal").get(0).atHarness(realm, aws)
                        .properties()).get();
        AgroalConnectionFactoryConfiguration factory =
                config.connectionPoolConfiguration().connectionFactoryConfiguration();
        assertThat(factory.connectionProviderClass().getName()).isEqualTo("io.lava.jdbc.LavaPgDriver");
        assertThat(factory.principal()).isNull();
        assertThat(factory.credentials()).isEmpty();
        assertThat(config.connectionPoolConfiguration().maxSize()).isEqualTo(20);
        assertThat(config.connectionPoolConfiguration().validateOnBorrow()).isTrue();
        assertThat(config.connectionPoolConfiguration().exceptionSorter())
                .isInstanceOf(PostgreSQLExceptionSorter.class);
        try (AgroalDataSource pool = AgroalDataSource.from(config)) {
            servesTheRecordsUserAndRecovers(pool, "reports");
            assertThat(pool.getMetrics().toString()).doesNotContain(password);
        }
    }
}
