package io.lava.jdbc.internal.aws;

import io.lava.jdbc.internal.Metrics;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.utils.Lazy;

/**
 * The AWS clients of one {@link Scope} (region, profile, endpoint), owned by an {@link AwsClientRegistry}: each client
 * is built on first use with the engine's one url-connection HTTP client (the only one on the driver's class path;
 * {@link #CONNECT_TIMEOUT}), the scope's
 * credentials and, when {@code awsEndpointUrl} is set, that endpoint. Without it the SDK applies its own
 * {@code AWS_ENDPOINT_URL} / {@code AWS_ENDPOINT_URL_<SERVICE>} environment variables and {@code aws.endpointUrl*}
 * system properties, read when the client is built. Time limits travel with each request ({@link io.lava.jdbc.internal.request.CallTimeouts}); the
 * clients carry only the retry policy ({@link ConnectRetryStrategy}: throttling retried until the call's deadline, other
 * retryable errors three attempts). {@link #close()} closes the clients built so far (ending their
 * SDK threads). Thread-safe.
 */
final public class AwsClients implements AutoCloseable {
    /** TCP connect timeout of every client (AWS endpoints answer a SYN within milliseconds when reachable). */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    /**
     * What distinguishes one set of clients, and keys every cache entry fetched through them, so that two regions,
     * profiles or endpoints never share an entry.
     *
     * @param region the resolved region
     * @param profile the profile, or {@code null} for the default chain
     * @param endpoint the endpoint override, or {@code null}
     */
    public record Scope(Region region, String profile, URI endpoint) {
    }

    private final Scope scope;
    private final AwsCredentialsProvider credentials;
    private final ScheduledExecutorService scheduler;
    private final SdkHttpClient http;
    private final Metrics metrics;
    private final Lazy<DynamoDbClient> dynamoDb;
    private final Lazy<SsmClient> ssm;
    private final Lazy<SecretsManagerClient> secretsManager;
    private final Lazy<S3Client> s3;

    /**
     * @param scope what the clients are for
     * @param credentials the scope's credentials; an SDK client closes the provider it is given, so this must be one
     *     whose {@code close()} does nothing (the registry owns and closes the real one)
     * @param scheduler times every client's calls; the engine's, never shut down by a client
     * @param http the engine's HTTP client, shared by every client and closed by its owner (an SDK client does not
     *     close an HTTP client it is given)
     * @param metrics counts each client's API calls
     */
    public AwsClients(Scope scope, AwsCredentialsProvider credentials, ScheduledExecutorService scheduler,
                      SdkHttpClient http, Metrics metrics) {
        this.scope = scope;
        this.credentials = credentials;
        this.scheduler = scheduler;
        this.http = http;
        this.metrics = metrics;
        // endpoint discovery off: the driver reads from the regional endpoint, and the SDK then skips looking the
        // setting up (environment, system properties, profile)
        this.dynamoDb = new Lazy<>(() -> build(DynamoDbClient.builder().endpointDiscoveryEnabled(false),
                Metrics.Service.DYNAMODB));
        this.ssm = new Lazy<>(() -> build(SsmClient.builder(), Metrics.Service.SSM));
        this.secretsManager = new Lazy<>(() -> build(SecretsManagerClient.builder(), Metrics.Service.SECRETS_MANAGER));
        this.s3 = new Lazy<>(this::buildS3);
    }

    /**
     * The S3 client: with {@code awsEndpointUrl} set, path-style addressing ({@code <endpoint>/<bucket>/<key>}), as
     * local S3 stand-ins and S3-compatible stores expect; without it, S3's endpoint rules decide (virtual-hosted
     * {@code <bucket>.s3.<region>.amazonaws.com}; path-style for an {@code AWS_ENDPOINT_URL_S3} that is an IP address).
     */
    private S3Client buildS3() {
        S3ClientBuilder builder = S3Client.builder();
        if (scope.endpoint() != null) {
            builder.forcePathStyle(true);
        }
        return build(builder, Metrics.Service.S3);
    }

    /** The retry policy of every client: stateless between calls, so one serves all. */
    private static final ConnectRetryStrategy RETRY = new ConnectRetryStrategy();

    /**
     * The retry policy {@link ConnectRetryStrategy} (two SDK standard strategies: throttling until the deadline, other
     * retryable errors 3 attempts, no retry quota — AWS SDK docs, "Retry behavior"); the engine's one HTTP client.
     */
    private <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C build(B builder,
                                                                                      Metrics.Service service) {
        builder.httpClient(http)
                .region(scope.region())
                .credentialsProvider(credentials);
        ClientOverrideConfiguration.Builder config = ClientOverrideConfiguration.builder()
                .retryStrategy(RETRY)
                .scheduledExecutorService(scheduler)
                .addExecutionInterceptor(metrics.callCounter(service));
        if (scope.profile() != null) {
            config.defaultProfileName(scope.profile());
        }
        builder.overrideConfiguration(config.build());
        if (scope.endpoint() != null) {
            builder.endpointOverride(scope.endpoint());
        }
        return builder.build();
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb.getValue();
    }

    public SsmClient ssm() {
        return ssm.getValue();
    }

    public SecretsManagerClient secretsManager() {
        return secretsManager.getValue();
    }

    public S3Client s3() {
        return s3.getValue();
    }

    /** Closes the clients built so far; the credentials stay open (the registry closes them). Never throws. */
    @Override
    public void close() {
        dynamoDb.close();
        ssm.close();
        secretsManager.close();
        if (s3.hasValue()) { // Lazy.close() would build a client never used
            s3.close();
        }
    }
}
