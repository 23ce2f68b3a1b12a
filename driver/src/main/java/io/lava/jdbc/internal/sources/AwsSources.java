package io.lava.jdbc.internal.sources;

import io.lava.jdbc.internal.aws.AwsClientRegistry;
import io.lava.jdbc.internal.request.AwsSettings;
import io.lava.jdbc.internal.request.ConnectionOptions;

/**
 * The real {@link Sources}: DynamoDB or a local records file, SSM Parameter Store, Secrets Manager, S3 (CA bundles)
 * and the RDS token signer, over one {@link AwsClientRegistry}.
 *
 * @param aws the engine's AWS clients and credential providers
 * @param caBundles the engine's fetcher of {@code https://} and {@code s3://} CA bundles, closed (its files deleted)
 *     with these sources
 */
public record AwsSources(AwsClientRegistry aws, CaBundleSource caBundles) implements Sources {

    /** @param aws the engine's AWS clients and credential providers; a new {@link CaBundleSource} */
    public AwsSources(AwsClientRegistry aws) {
        this(aws, new CaBundleSource());
    }

    @Override
    public RecordSource records(ConnectionOptions options) {
        return options.connectionsFile() != null
                ? new FileRecordSource(options.connectionsFile().toAbsolutePath().normalize())
                : new DynamoDbRecordSource(aws, aws.scope(options.aws()), options.connectionsTable());
    }

    @Override
    public ParameterSource parameters(AwsSettings settings) {
        return new SsmParameterSource(aws, aws.scope(settings));
    }

    @Override
    public SecretSource secrets(AwsSettings settings) {
        return new SecretsManagerSecretSource(aws, aws.scope(settings));
    }

    @Override
    public S3ObjectSource s3Objects(AwsSettings settings) {
        return new S3ObjectSource(aws, aws.scope(settings));
    }

    @Override
    public TokenSource tokens(AwsSettings settings) {
        return new RdsTokenSource(aws, aws.scope(settings));
    }

    @Override
    public void close() {
        caBundles.close();
        aws.close();
    }
}
