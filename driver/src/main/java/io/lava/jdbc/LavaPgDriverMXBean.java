package io.lava.jdbc;

/**
 * Counters of the lava-pg driver, registered with the platform MBean server as
 * {@code io.lava.jdbc:type=LavaPgDriver} when the driver class loads (jconsole, JMX exporters). All counts are since
 * the driver class was loaded and only grow.
 *
 * <p>Cache counters count connects: a hit is a value served from the cache without waiting on AWS; a miss is a value
 * this connect had to read (cold cache, expired entry, or caching disabled). Stale values are served when a refresh
 * failed and the last good value is younger than {@code maxStale}.
 */
public interface LavaPgDriverMXBean {
    /** @return connects whose record came from the cache */
    long getRecordCacheHits();

    /** @return connects that had to read the record */
    long getRecordCacheMisses();

    /** @return connects whose SSM parameter value came from the cache */
    long getParameterCacheHits();

    /** @return connects that had to read the SSM parameter */
    long getParameterCacheMisses();

    /** @return connects whose secret came from the cache */
    long getSecretCacheHits();

    /** @return connects that had to read the secret */
    long getSecretCacheMisses();

    /** @return values (records, parameters, secrets) served past their TTL because refreshing them failed */
    long getStaleValuesServed();

    /** @return refreshes of a cached record, parameter or secret that failed */
    long getRefreshFailures();

    /** @return DynamoDB API calls made (not counting the SDK's retries of one call) */
    long getDynamoDbCalls();

    /** @return SSM API calls made */
    long getSsmCalls();

    /** @return Secrets Manager API calls made */
    long getSecretsManagerCalls();

    /** @return RDS IAM tokens minted */
    long getTokenMints();

    /**
     * @return connect attempts retried after the server refused the credentials (the password re-read in between);
     *     a connect inside a password rotation window may count several (docs/operations.md, "Long-running tools")
     */
    long getAuthRetries();

    /**
     * @return reads of a password (SSM parameter or Secrets Manager secret) straight from its store, past the cache,
     *     after the server refused it
     */
    long getPasswordRefetches();

    /**
     * @return cached values (records, parameters, secrets, CA bundles) dropped because their source answered that
     *     they no longer hold: not found, not enabled, invalid, access denied
     */
    long getValuesDroppedOnAnswer();

    /**
     * @return warm connects that reused the resolution of an earlier connect with the same URL and properties instead
     *     of reading the caches again (each also counts as a cache hit of every kind it used)
     */
    long getResolutionsReused();

    /**
     * @return the operator policy file in force, as named by the system property {@code io.lava.jdbc.policy} or the
     *     environment variable {@code LAVA_PG_POLICY} when the engine started; empty when none is (docs/security.md)
     */
    String getPolicyFile();

    /**
     * @return the SHA-256 of the policy file's bytes (lowercase hex), so an operator can tell which version is in
     *     force; empty without a policy, or when the file could not be read (every connect is then refused)
     */
    String getPolicySha256();

    /**
     * @return the driver's version, as {@link java.sql.Driver#getMajorVersion()} and {@code getMinorVersion()} give
     *     its first two numbers (e.g. {@code 1.0.0})
     */
    String getVersion();

    /** @return the commit the driver was built from (full id), {@code unknown} when built outside a git checkout */
    String getCommit();
}
