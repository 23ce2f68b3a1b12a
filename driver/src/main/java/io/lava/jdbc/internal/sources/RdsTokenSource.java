package io.lava.jdbc.internal.sources;

import io.lava.jdbc.internal.aws.AwsClientRegistry;
import io.lava.jdbc.internal.aws.AwsClients;
import io.lava.jdbc.internal.aws.AwsFailures;
import io.lava.jdbc.LavaPgProperty;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

/**
 * RDS IAM tokens from the AWS SDK ({@code RdsUtilities.generateAuthenticationToken}): a SigV4 presigned
 * {@code rds-db:connect} URL without its scheme, {@code host:port/?Action=connect&DBUser=...&X-Amz-Expires=900&...},
 * signed with the scope's credentials for the scope's region. Signing is local: no network call.
 *
 * @param aws the engine's credential providers, looked up per call
 * @param scope the signing region and the profile whose credentials sign
 */
public record RdsTokenSource(AwsClientRegistry aws, AwsClients.Scope scope) implements TokenSource {

    @Override
    public String mint(String host, int port, String user) {
        return sign(credentials(), scope.region(), host, port, user);
    }

    /**
     * Signs one token.
     *
     * @param credentials the credentials to sign with
     * @param region the region the token is for
     * @param host the RDS endpoint
     * @param port its port
     * @param user the database user
     * @return the token, valid for 900 seconds from now
     * @throws io.lava.jdbc.internal.SourceException when the credentials cannot be resolved
     */
    public static String sign(AwsCredentialsProvider credentials, Region region, String host, int port, String user) {
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
            return credentials().resolveCredentials().accessKeyId();
        } catch (SdkException e) {
            throw AwsFailures.of(e, "resolving AWS credentials for an RDS IAM token", "rds-db:connect",
                    LavaPgProperty.IAM_TOKEN_TTL, null);
        }
    }

    private AwsCredentialsProvider credentials() {
        return aws.credentials(scope.profile());
    }

    @Override
    public String describe() {
        return scope.region().id();
    }
}
