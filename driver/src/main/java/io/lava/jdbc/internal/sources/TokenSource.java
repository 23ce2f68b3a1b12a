package io.lava.jdbc.internal.sources;


/**
 * Mints RDS IAM authentication tokens ({@link RdsTokenSource}). Implementations are immutable values whose equality
 * identifies the signing region and credentials, so that they can key a cache.
 */
public interface TokenSource {

    /**
     * @param host the host the token is signed for
     * @param port the port the token is signed for
     * @param user the database user
     * @return a token, valid for 15 minutes from now (AWS RDS docs)
     * @throws io.lava.jdbc.internal.SourceException when the AWS credentials cannot be resolved
     */
    String mint(String host, int port, String user);

    /**
     * @return the identity the tokens are signed with (an access key id; never a secret), part of the cache key so that
     *     rotated or switched credentials get fresh tokens
     * @throws io.lava.jdbc.internal.SourceException when the AWS credentials cannot be resolved
     */
    String identity();

    /** @return where the tokens are signed for, for logs and messages: the region, e.g. {@code eu-west-1} */
    String describe();
}
