package io.lava.jdbc.internal.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.SourceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The AWS settings a user gives: which endpoint URLs are accepted, and a region changed alone. */
class AwsSettingsTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://localhost:4566", "https://localhost:4566", "http://127.0.0.1:4566/",
            "https://vpce-1.ssm.eu-west-1.vpce.amazonaws.com", "http://stand-in/path?x=1"})
    void absoluteHttpAndHttpsEndpointsAreAccepted(String endpoint) {
        assertThatCode(() -> new AwsSettings("eu-west-1", null, endpoint).validate()).doesNotThrowAnyException();
    }

    @Test
    void noEndpointIsTheSdksDefault() {
        assertThatCode(() -> new AwsSettings(null, null, null).validate()).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"localhost:4566", "ftp://localhost/", "http://", "https:///path", "file:///tmp/x",
            "not a url", "//localhost:4566", "http:localhost"})
    void otherEndpointsAreRefusedNamingTheProperty(String endpoint) {
        assertThatThrownBy(() -> new AwsSettings(null, null, endpoint).validate())
                .isInstanceOfSatisfying(SourceException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo("08001");
                    assertThat(e).hasMessage("property awsEndpointUrl='" + endpoint + "' is not an absolute "
                            + "http:// or https:// URL. Fix the property, e.g. http://localhost:4566");
                });
    }

    @Test
    void withRegionKeepsProfileAndEndpoint() {
        AwsSettings given = new AwsSettings(null, "ops", "http://localhost:4566");
        assertThat(given.withRegion("us-east-2")).isEqualTo(new AwsSettings("us-east-2", "ops", "http://localhost:4566"));
        assertThat(given.region()).isNull();
    }
}
