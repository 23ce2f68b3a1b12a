package io.lava.jdbc.internal.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.request.AwsSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** awsProfile and awsEndpointUrl come from the URL: the providers and clients built for them stay bounded. */
class AwsClientRegistryBoundsTest {
    private final AwsClientRegistry registry = new AwsClientRegistry(new Metrics());

    @AfterEach
    void close() {
        registry.close();
    }

    /** Each row: a profile a tenant could type, {@code N} replaced by a different number on each connect. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nope-N", "NOPE-N", "prod%2FN", "N", "default N"})
    void aFloodOfProfilesKeepsAtMostTheBoundOfProvidersAndTheirClientsAreClosed(String profile) {
        for (int i = 0; i < 3 * AwsClientRegistry.MAXIMUM_PROFILES; i++) {
            String p = profile.replace("N", Integer.toString(i));
            AwsClients.Scope scope = registry.scope(new AwsSettings("us-east-1", p, "http://127.0.0.1:9"));
            registry.clients(scope);
        }
        long[] sizes = registry.sizes();
        assertThat(sizes[1]).as("providers").isLessThanOrEqualTo(AwsClientRegistry.MAXIMUM_PROFILES);
        assertThat(sizes[0]).as("clients, closed with their profile").isLessThanOrEqualTo(sizes[1]);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://127.0.0.1:N", "http://localhost:N/x"})
    void aFloodOfEndpointsKeepsAtMostTheBoundOfClients(String endpoint) {
        for (int i = 1; i <= 3 * AwsClientRegistry.MAXIMUM_SCOPES; i++) {
            registry.clients(registry.scope(new AwsSettings("us-east-1", null,
                    endpoint.replace("N", Integer.toString(1000 + i)))));
        }
        assertThat(registry.sizes()[0]).isLessThanOrEqualTo(AwsClientRegistry.MAXIMUM_SCOPES);
    }
}
