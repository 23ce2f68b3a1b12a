package io.lava.jdbc.examples.springboot4;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A Spring Boot 4 application whose only database setting is a lava connection: the application of
 * {@code examples/spring-boot} (Spring Boot 3), unchanged, on Spring Boot 4.
 *
 * <p>By default ({@code application.properties}) Spring Boot's own HikariCP pool uses
 * {@code spring.datasource.url=jdbc:lava-pg:${LAVA_REALM:demo}/${LAVA_CONNID_WAREHOUSE:warehouse}}. With the profile
 * {@code lava-bean}, {@link LavaDataSourceConfiguration} declares a {@link io.lava.jdbc.LavaPgDataSource} bean bound
 * from {@code lava.datasource.*} and pools it. Either way the application just uses the {@link JdbcTemplate}.
 */
@SpringBootApplication
public class ExampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(ExampleApplication.class, args);
    }

    /** Prints who the lava record made us: user and database come from the record, not from this application. */
    @Bean
    ApplicationRunner whoAmI(JdbcTemplate jdbc) {
        return args -> System.out.println(jdbc.queryForObject(
                "select 'connected as ' || current_user || ' to ' || current_database()", String.class));
    }
}
