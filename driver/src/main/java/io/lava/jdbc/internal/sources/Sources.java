package io.lava.jdbc.internal.sources;

import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.AwsSettings;
import io.lava.jdbc.internal.request.ConnectionOptions;

/**
 * Where an engine reads from: builds the source values one resolve reads through (and keys its cache entries by).
 * {@link AwsSources} is the real one; tests hand an engine fakes.
 */
public interface Sources extends AutoCloseable {

    /**
     * @param options the connect's options: the records file, or the DynamoDB table and AWS settings
     * @return the records source
     * @throws SourceException (08001) when no AWS region can be found
     */
    RecordSource records(ConnectionOptions options);

    /**
     * @param aws region, profile and endpoint
     * @return the SSM Parameter Store source
     * @throws SourceException (08001) when no AWS region can be found
     */
    ParameterSource parameters(AwsSettings aws);

    /**
     * @param aws region, profile and endpoint
     * @return the Secrets Manager source
     * @throws SourceException (08001) when no AWS region can be found
     */
    SecretSource secrets(AwsSettings aws);

    /**
     * @param aws the signing region (already chosen: {@code awsRegion}, else the RDS host's) and profile
     * @return the RDS IAM token signer
     * @throws SourceException (08001) when no AWS region can be found
     */
    TokenSource tokens(AwsSettings aws);

    /**
     * @param aws region, profile and endpoint
     * @return the S3 source of {@code s3://} CA bundles
     * @throws SourceException (0A000) when these sources cannot read S3; (08001) when no AWS region can be found
     */
    default S3ObjectSource s3Objects(AwsSettings aws) {
        throw new SourceException(io.lava.jdbc.internal.Errors.NOT_SUPPORTED, "these sources do not read S3; put a "
                + "local path in ssl_ca_file");
    }

    /**
     * @return the engine's fetcher of {@code https://} and {@code s3://} CA bundles; its files are deleted by
     *     {@link #close()}
     * @throws SourceException (0A000) when these sources cannot fetch CA bundles
     */
    default CaBundleSource caBundles() {
        throw new SourceException(io.lava.jdbc.internal.Errors.NOT_SUPPORTED, "these sources do not fetch CA bundles; "
                + "put a local path in ssl_ca_file");
    }

    /** Releases what the sources hold (AWS clients, credential providers). Idempotent; never throws. */
    @Override
    void close();
}
