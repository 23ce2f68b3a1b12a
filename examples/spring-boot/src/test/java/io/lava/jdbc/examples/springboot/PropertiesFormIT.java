package io.lava.jdbc.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.Docs;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Form 1, {@code application.properties} as shipped: {@code spring.datasource.url=jdbc:lava-pg:...}. The test only
 * says which realm and conn_id to use and where the harness's AWS endpoint is.
 */
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
@SpringBootTest
class PropertiesFormIT {
    private static final String REALM = "bootprops";

    private static LocalAws aws;

    @BeforeAll
    static void putRecord(LocalPostgres pg, LocalAws localAws) throws Exception {
        aws = localAws;
        LavaHarness.putWarehouse(pg, aws, REALM, "orders");
    }

    @DynamicPropertySource
    static void lava(DynamicPropertyRegistry registry) {
        registry.add("LAVA_REALM", () -> REALM);
        registry.add("LAVA_CONNID_WAREHOUSE", () -> "orders");
        // driver properties through Hikari's dataSource properties; brackets keep the keys' case
        registry.add("spring.datasource.hikari.data-source-properties[awsEndpointUrl]", () -> aws.endpoint());
        registry.add("spring.datasource.hikari.data-source-properties[awsRegion]", () -> "us-east-1");
    }

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void springBootsPoolConnectsThroughTheLavaRecord() {
        assertThat(dataSource).isInstanceOfSatisfying(HikariDataSource.class, hikari -> {
            assertThat(hikari.getJdbcUrl()).isEqualTo("jdbc:lava-pg:" + REALM
                    + "/orders?ApplicationName=spring-boot-example");
            assertThat(hikari.getDriverClassName()).isEqualTo("io.lava.jdbc.LavaPgDriver");
            assertThat(hikari.getMaximumPoolSize()).isEqualTo(5);
        });
        assertThat(jdbc.queryForObject("select current_user", String.class)).isEqualTo(LavaHarness.USER);
        assertThat(jdbc.queryForObject("select current_database()", String.class)).isEqualTo(LavaHarness.DATABASE);
        assertThat(jdbc.queryForObject("select current_setting('application_name')", String.class))
                .isEqualTo("spring-boot-example");
    }

    /** {@code docs/spring-boot.md} shows the keys and the configuration class this example uses. */
    @Test
    void theSpringBootPageIsThisExample() throws Exception {
        String page = Docs.file("docs/spring-boot.md");
        // examples/spring-boot's files, also when examples/spring-boot-4 runs this test over them
        Path example = Docs.root().resolve("examples/spring-boot");
        String properties = Files.readString(example.resolve("src/main/resources/application.properties"));
        for (String key : List.of("spring.datasource.url=jdbc:lava-pg:${LAVA_REALM:",
                "spring.datasource.driver-class-name=io.lava.jdbc.LavaPgDriver",
                "spring.datasource.hikari.maximum-pool-size=", "spring.datasource.hikari.data-source-properties[")) {
            assertThat(page).as("docs/spring-boot.md").contains(key);
            assertThat(properties).as("application.properties").contains(key);
        }
        String configuration = Files.readString(example.resolve(Path.of("src/main/java",
                getClass().getPackageName().replace('.', '/'), "LavaDataSourceConfiguration.java")));
        for (String line : List.of("@ConfigurationProperties(\"lava.datasource\")",
                "@ConfigurationProperties(\"spring.datasource.hikari\")", "pool.setDataSource(lavaDataSource);")) {
            assertThat(page).as("docs/spring-boot.md").contains(line);
            assertThat(configuration).as("LavaDataSourceConfiguration").contains(line);
        }
    }
}
