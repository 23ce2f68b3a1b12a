package software.amazon.jdbc.plugin.iam;

import java.util.Map;
import software.amazon.jdbc.plugin.TokenInfo;

/**
 * Benchmark-only window into the AWS Advanced JDBC Wrapper's IAM token cache ({@code IamAuthCacheHolder.tokenCache},
 * package-private, keyed {@code region:host:port:user}). The IAM row gives a throwaway server's role the very token
 * the wrapper will reuse as its password, as the driver's own tests do for lava-pg's token cache. Lives in the
 * wrapper's package for that one field; reads only.
 */
public final class WrapperTokenCache {
    private WrapperTokenCache() {
    }

    /**
     * @param user the database user the wrapper minted a token for
     * @return the cached token for that user (any region, host and port), or {@code null} if there is none
     */
    public static String token(String user) {
        for (Map.Entry<String, TokenInfo> e : IamAuthCacheHolder.tokenCache.entrySet()) {
            if (e.getKey().endsWith(":" + user)) {
                return e.getValue().getToken();
            }
        }
        return null;
    }
}
