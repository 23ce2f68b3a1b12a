package io.lava.jdbc.internal.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.SourceException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectionOptionsTest {
    private static final UnaryOperator<String> NO_ENV = key -> null;

    private static ConnectionOptions options(String url, UnaryOperator<String> env) {
        return ConnectionOptions.of(ConnectionRef.parse(url, null, env), env);
    }

    @Test
    void defaults() {
        ConnectionOptions o = options("jdbc:lava-pg:prod/warehouse", NO_ENV);
        assertThat(o.connectionsTable()).isEqualTo("lava.prod.connections");
        assertThat(o.connectionsFile()).isNull();
        assertThat(o.aws()).isEqualTo(new AwsSettings(null, null, null));
        assertThat(o.timeouts()).isEqualTo(new CallTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(3)));
        assertThat(o.loginTimeout()).isNull();
        assertThat(o.maxStale()).isEqualTo(Duration.ofHours(1));
        assertThat(o.recordTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.parameterTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(o.secretTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(o.pgProperties()).isEmpty();
    }

    @Test
    void everyPropertyIsRead() {
        ConnectionOptions o = options("jdbc:lava-pg:prod/warehouse?connectionsTable=t&connectionsFile=/f.json"
                + "&awsRegion=eu-west-1&awsProfile=ops&awsEndpointUrl=http://localhost:4566&recordTtl=1"
                + "&parameterTtl=2&secretTtl=0&sslmode=require", NO_ENV);
        assertThat(o.connectionsTable()).isEqualTo("t");
        assertThat(o.connectionsFile()).isEqualTo(Path.of("/f.json"));
        assertThat(o.aws()).isEqualTo(new AwsSettings("eu-west-1", "ops", "http://localhost:4566"));
        assertThat(o.recordTtl()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.parameterTtl()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.secretTtl()).isZero();
        assertThat(o.pgProperties()).containsOnlyKeys("sslmode");
    }

    @Test
    void loginTimeoutCapsTheAwsCallTimeout() {
        assertThat(options("jdbc:lava-pg:p/c?loginTimeout=4", NO_ENV).timeouts().apiCall())
                .isEqualTo(Duration.ofSeconds(4));
        assertThat(options("jdbc:lava-pg:p/c?loginTimeout=2&awsApiCallAttemptTimeout=3", NO_ENV).timeouts())
                .extracting(CallTimeouts::apiCall, CallTimeouts::attempt)
                .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
        assertThat(options("jdbc:lava-pg:p/c?loginTimeout=90", NO_ENV).timeouts().apiCall())
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(options("jdbc:lava-pg:p/c?loginTimeout=0", NO_ENV).timeouts().apiCall())
                .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void loginTimeoutIsTheConnectsDeadline() {
        assertThat(options("jdbc:lava-pg:p/c?loginTimeout=4", NO_ENV).loginTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(options("jdbc:lava-pg:p/c?loginTimeout=2.5", NO_ENV).loginTimeout())
                .isEqualTo(Duration.ofMillis(2500));
        assertThat(options("jdbc:lava-pg:p/c?loginTimeout=0", NO_ENV).loginTimeout()).isNull();
        assertThat(options("jdbc:lava-pg:p/c?loginTimeout=x", NO_ENV).loginTimeout()).isNull();
    }

    @Test
    void connectionsFileFromTheEnvironmentUnlessSet() {
        UnaryOperator<String> env = Map.of("LAVA_CONNECTIONS_FILE", "/env.json")::get;
        assertThat(options("jdbc:lava-pg:p/c", env).connectionsFile()).isEqualTo(Path.of("/env.json"));
        assertThat(options("jdbc:lava-pg:p/c?connectionsFile=/prop.json", env).connectionsFile())
                .isEqualTo(Path.of("/prop.json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"recordTtl=-1", "parameterTtl=1.5", "secretTtl=5m", "recordTtl=99999999999999999999"})
    void badTtlsAreRefused(String setting) {
        assertThatThrownBy(() -> options("jdbc:lava-pg:p/c?" + setting, NO_ENV))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(setting.substring(0, setting.indexOf('=')) + "=")
                .hasMessageContaining("whole number of seconds");
    }

    @ParameterizedTest
    @ValueSource(strings = {"iamTokenTtl=871", "iamTokenTtl=0", "iamTokenTtl=900", "iamPort=0", "iamPort=65536",
            "iamPort=x"})
    void iamSettingsOutOfRangeAreRefused(String setting) {
        assertThatThrownBy(() -> options("jdbc:lava-pg:p/c?" + setting, NO_ENV))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(setting.replace("=", "='") + "'")
                .hasMessageMatching(".*(from 1 to 870|from 1 to 65535).*");
    }

    @Test
    void iamSettings() {
        ConnectionOptions o = options("jdbc:lava-pg:p/c?iamHost=db.x.eu-west-1.rds.amazonaws.com&iamPort=5433"
                + "&iamTokenTtl=870", NO_ENV);
        assertThat(o.iamHost()).isEqualTo("db.x.eu-west-1.rds.amazonaws.com");
        assertThat(o.iamPort()).isEqualTo(5433);
        assertThat(o.iamTokenTtl()).isEqualTo(Duration.ofSeconds(870));
        assertThat(options("jdbc:lava-pg:p/c", NO_ENV).iamTokenTtl()).isEqualTo(Duration.ofMinutes(14));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:4566", "ftp://h/", "http://", "not a url"})
    void badEndpointsAreRefused(String endpoint) {
        assertThatThrownBy(() -> options("jdbc:lava-pg:p/c?awsEndpointUrl=" + endpoint.replace(" ", "%20"), NO_ENV))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("awsEndpointUrl");
    }
}
