package io.lava.jdbc.examples.springboot4;

import com.zaxxer.hikari.HikariDataSource;
import io.lava.jdbc.LavaPgDataSource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.context.annotation.Profile;

/**
 * The second form: a {@link LavaPgDataSource} bean whose settings are bound from {@code lava.datasource.*}
 * ({@code realm}, {@code conn-id}, {@code aws-region}, {@code application-name}, ...: the data source's setters in
 * kebab case), pooled by a {@link HikariDataSource} configured from {@code spring.datasource.hikari.*}. Spring Boot's
 * own DataSource backs off because this one exists.
 */
@Configuration(proxyBeanMethods = false)
@Profile("lava-bean")
public class LavaDataSourceConfiguration {

    @Bean
    @ConfigurationProperties("lava.datasource")
    LavaPgDataSource lavaDataSource() {
        return new LavaPgDataSource();
    }

    @Bean
    @Primary
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(LavaPgDataSource lavaDataSource) {
        HikariDataSource pool = new HikariDataSource();
        pool.setDataSource(lavaDataSource);
        return pool;
    }
}
