package io.lava.jdbc.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import com.mchange.v2.c3p0.ComboPooledDataSource;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/pools.md} "c3p0": {@link ComboPooledDataSource} with {@code driverClass} and {@code jdbcUrl}, as the
 * snippet sets them (the test checks the page holds these calls), and c3p0's check on checkout
 * ({@code Connection.isValid}).
 */
class C3p0IT extends RecipeHarness {
    @Test
    void comboPooledDataSourceWithDriverClassAndJdbcUrl() throws Exception {
        String snippet = Recipe.snippets("docs/pools.md", "## c3p0").get(0).text();
        assertThat(snippet).contains("ComboPooledDataSource pool = new ComboPooledDataSource();",
                "pool.setDriverClass(\"io.lava.jdbc.LavaPgDriver\");",
                "pool.setJdbcUrl(\"" + Recipe.DOCS_URL + "?awsRegion=" + Recipe.DOCS_REGION
                        + "&ApplicationName=reports\");",
                "pool.setMaxPoolSize(20);", "pool.setTestConnectionOnCheckout(true);");

        ComboPooledDataSource pool = new ComboPooledDataSource();
        try {
            pool.setDriverClass("io.lava.jdbc.LavaPgDriver");
            pool.setJdbcUrl(Recipe.url(realm, aws, "&awsRegion=us-east-1&ApplicationName=reports"));
            pool.setMaxPoolSize(20);
            pool.setTestConnectionOnCheckout(true);
            assertThat(pool.getPreferredTestQuery()).as("c3p0 validates with Connection.isValid").isNull();
            assertThat(pool.getUser()).isNull();
            assertThat(pool.getPassword()).isNull();
            servesTheRecordsUserAndRecovers(pool, "reports");
            assertThat(pool.toString()).doesNotContain(password);
        } finally {
            pool.close();
        }
    }
}
