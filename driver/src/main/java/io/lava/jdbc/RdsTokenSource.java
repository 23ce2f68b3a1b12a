package io.lava.jdbc;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

/**
 * RDS IAM tokens from the AWS SDK ({@code RdsUtilities.generateAuthenticationToken}): a SigV4 presigned
 * {@code rds-db:connect} URL without its scheme, {@code host:port/?Action=connect&DBUser=...&X-Amz-Expires=900&...}.
 * Signing is local: no network call.
 *
 * @param credentials the shared credentials provider of the profile ({@link AwsClients#credentials()})
 */
record RdsTokenSource(AwsCredentialsProvider credentials) implements TokenSource {

    @Override
    public String mint(Region region, String host, int port, String user) {
        try {
            return RdsUtilities.builder()
                    .region(region)
                    .credentialsProvider(credentials)
                    .build()
                    .generateAuthenticationToken(b -> b.hostname(host).port(port).username(user));
        } catch (SdkException e) {
            throw AwsFailures.of(e, "RDS IAM token for " + user + "@" + host + ":" + port,
                    "rds-db:connect on the database user", LavaPgProperty.IAM_TOKEN_TTL, null);
        }
    }

    @Override
    public String identity() {
        try {
            return credentials.resolveCredentials().accessKeyId();
        } catch (SdkException e) {
            throw AwsFailures.of(e, "resolving AWS credentials for an RDS IAM token", "rds-db:connect",
                    LavaPgProperty.IAM_TOKEN_TTL, null);
        }
    }
}
