package io.lava.jdbc;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.utils.Lazy;

/**
 * The AWS clients for one (region, profile, endpoint), built once per JVM and shared by every connect.
 *
 * <p>Each client is built on first use with the url-connection HTTP client (the only one on the driver's classpath),
 * the credentials described at {@link #credentials()} and, when {@code awsEndpointUrl} is set, that endpoint. Without
 * it, the SDK applies
 * its own {@code AWS_ENDPOINT_URL} / {@code AWS_ENDPOINT_URL_<SERVICE>} environment variables and
 * {@code aws.endpointUrl*} system properties, read when the client is built. Clients live for the life of the JVM.
 * Thread-safe.
 */
final class AwsClients {
    private static final Logger LOG = Logger.getLogger(AwsClients.class.getName());
    private static final Map<AwsSettings, AwsClients> BY_SETTINGS = new ConcurrentHashMap<>();
    private static final Map<String, AwsCredentialsProvider> CREDENTIALS = new ConcurrentHashMap<>();
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    /**
     * What identifies a set of clients and keys every cache entry fetched through them, so that two regions, profiles
     * or
     * endpoints never share an entry.
     *
     * @param region the resolved region
     * @param profile the profile, or {@code null} for the default chain
     * @param endpoint the endpoint override, or {@code null}
     * @param apiCallTimeout time allowed for one API call, retries included
     * @param apiCallAttemptTimeout time allowed for one attempt
     */
    record Scope(Region region, String profile, URI endpoint, Duration apiCallTimeout, Duration apiCallAttemptTimeout) {
    }

    private final Scope scope;
    private final AwsCredentialsProvider credentials;
    private final Lazy<DynamoDbClient> dynamoDb;
    private final Lazy<SsmClient> ssm;
    private final Lazy<SecretsManagerClient> secretsManager;

    private AwsClients(Scope scope) {
        this.scope = scope;
        this.credentials = CREDENTIALS.computeIfAbsent(scope.profile() == null ? "" : scope.profile(),
                p -> new Credentials(p.isEmpty() ? DefaultCredentialsProvider.builder().build()
                        : ProfileCredentialsProvider.builder().profileName(p).build()));
        this.dynamoDb = new Lazy<>(() -> build(DynamoDbClient.builder(), Metrics.Service.DYNAMODB));
        this.ssm = new Lazy<>(() -> build(SsmClient.builder(), Metrics.Service.SSM));
        this.secretsManager = new Lazy<>(() -> build(SecretsManagerClient.builder(), Metrics.Service.SECRETS_MANAGER));
    }

    /**
     * Returns the shared clients for these settings, resolving the region once.
     *
     * @param settings the user's AWS settings (validated)
     * @return the shared clients
     * @throws SourceException (08001) when no region is set and the SDK's default chain finds none
     */
    static AwsClients forSettings(AwsSettings settings) {
        AwsClients clients = BY_SETTINGS.get(settings);
        return clients != null ? clients : BY_SETTINGS.computeIfAbsent(settings, AwsClients::create);
    }

    private static AwsClients create(AwsSettings settings) {
        Region region;
        if (settings.region() != null) {
            region = Region.of(settings.region());
        } else {
            try {
                region = DefaultAwsRegionProviderChain.builder().profileName(settings.profile()).build().getRegion();
            } catch (SdkException e) {
                throw new SourceException(Errors.UNABLE_TO_CONNECT, "no AWS region found. Set the awsRegion property, "
                        + "the AWS_REGION environment variable, or a region in the AWS profile", e);
            }
        }
        URI endpoint = settings.endpointUrl() == null ? null : URI.create(settings.endpointUrl());
        Scope scope = new Scope(region, settings.profile(), endpoint, settings.apiCallTimeout(),
                settings.apiCallAttemptTimeout());
        LOG.log(Level.FINE, "AWS clients for region {0}, profile {1}, endpoint {2}",
                new Object[] {region, settings.profile() == null ? "(default)" : settings.profile(),
                        endpoint == null ? "(SDK default)" : endpoint});
        return new AwsClients(scope);
    }

    /**
     * Timeouts: {@code apiCallTimeout} per call, {@code apiCallAttemptTimeout} per attempt and as the HTTP socket
     * timeout, TCP connect at most 2 s; the SDK's standard retry mode (3 attempts, exponential back-off with jitter,
     * longer back-off and a retry quota for throttling errors — AWS SDK docs, "Retry behavior").
     */
    private <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C build(B builder,
                                                                                      Metrics.Service service) {
        Duration attempt = scope.apiCallAttemptTimeout();
        builder.httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(attempt.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? attempt : MAX_CONNECT_TIMEOUT)
                        .socketTimeout(attempt))
                .region(scope.region())
                .credentialsProvider(credentials);
        ClientOverrideConfiguration.Builder config = ClientOverrideConfiguration.builder()
                .retryStrategy(RetryMode.STANDARD)
                .apiCallTimeout(scope.apiCallTimeout())
                .apiCallAttemptTimeout(attempt)
                .addExecutionInterceptor(Metrics.SHARED.callCounter(service));
        if (scope.profile() != null) {
            config.defaultProfileName(scope.profile());
        }
        builder.overrideConfiguration(config.build());
        if (scope.endpoint() != null) {
            builder.endpointOverride(scope.endpoint());
        }
        return builder.build();
    }

    /**
     * The SDK's provider for a profile (or the default chain), its failures reported as {@link NoCredentialsException}
     * so that they are told apart from every other client-side failure by type.
     *
     * @param delegate the SDK's provider
     */
    private record Credentials(AwsCredentialsProvider delegate) implements AwsCredentialsProvider {
        @Override
        public AwsCredentials resolveCredentials() {
            try {
                return delegate.resolveCredentials();
            } catch (NoCredentialsException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new NoCredentialsException(e);
            }
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }

    /**
     * The credentials every client of this scope signs with, one provider per profile for the JVM. Without
     * {@code awsProfile}: the SDK's default chain (system properties, environment, web identity / IRSA, shared
     * profile {@code AWS_PROFILE}, container and instance roles). With {@code awsProfile}: that profile only, as the
     * AWS CLI's {@code --profile} does, including profiles that assume a role ({@code role_arn} with
     * {@code source_profile} or {@code credential_source}) and {@code credential_process}. When no credentials can be
     * resolved, {@code resolveCredentials} throws {@link NoCredentialsException} with the SDK's exception as cause.
     */
    AwsCredentialsProvider credentials() {
        return credentials;
    }

    Scope scope() {
        return scope;
    }

    DynamoDbClient dynamoDb() {
        return dynamoDb.getValue();
    }

    SsmClient ssm() {
        return ssm.getValue();
    }

    SecretsManagerClient secretsManager() {
        return secretsManager.getValue();
    }
}
