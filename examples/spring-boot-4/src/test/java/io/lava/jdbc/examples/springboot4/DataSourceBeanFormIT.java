package io.lava.jdbc.examples.springboot4;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.lava.jdbc.LavaPgDataSource;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Form 2, profile {@code lava-bean}: a {@link LavaPgDataSource} bean bound from {@code lava.datasource.*}, pooled. */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
@SpringBootTest
@ActiveProfiles("lava-bean")
class DataSourceBeanFormIT {
    private static final String REALM = "boot4bean";

    private static LocalAws aws;

    @BeforeAll
    static void putRecord(LocalPostgres pg, LocalAws localAws) throws Exception {
        aws = localAws;
        LavaHarness.putWarehouse(pg, aws, REALM, "warehouse");
    }

    @DynamicPropertySource
    static void lava(DynamicPropertyRegistry registry) {
        registry.add("LAVA_REALM", () -> REALM);
        registry.add("lava.datasource.aws-endpoint-url", () -> aws.endpoint());
        registry.add("lava.datasource.aws-region", () -> "us-east-1");
        registry.add("lava.datasource.record-ttl", () -> "120");
    }

    @Autowired
    DataSource dataSource;

    @Autowired
    LavaPgDataSource lavaDataSource;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void theBoundLavaDataSourceIsPooledAndUsedByJdbcTemplate() throws Exception {
        assertThat(lavaDataSource.getRealm()).isEqualTo(REALM);
        assertThat(lavaDataSource.getConnId()).isEqualTo("warehouse"); // LAVA_CONNID_WAREHOUSE's default in the profile
        assertThat(lavaDataSource.getAwsRegion()).isEqualTo("us-east-1");
        assertThat(lavaDataSource.getRecordTtl()).isEqualTo(120);
        assertThat(dataSource).isInstanceOf(HikariDataSource.class);
        assertThat(jdbc.getDataSource()).isSameAs(dataSource);

        assertThat(jdbc.queryForObject("select current_user", String.class)).isEqualTo(LavaHarness.USER);
        assertThat(jdbc.queryForObject("select current_setting('application_name')", String.class))
                .isEqualTo("spring-boot-4-example-bean");
        assertThat(dataSource.unwrap(LavaPgDataSource.class)).isSameAs(lavaDataSource);
        assertThat(((HikariDataSource) dataSource).getMaximumPoolSize()).isEqualTo(5);
    }
}
