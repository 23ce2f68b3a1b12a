package io.lava.jdbc.examples.benchmarks;

import io.lava.jdbc.internal.hook.TestHook;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import software.amazon.jdbc.plugin.iam.WrapperTokenCache;

/**
 * Row 3, IAM: open and close one connection authenticated by an RDS IAM token, lava-pg ({@code postgres-aurora}
 * record, token from its cache) paired with the AWS Advanced JDBC Wrapper ({@code wrapperPlugins=iam}, so no failover
 * or enhanced failure monitoring; {@code iamRegion=us-east-1}), both over {@code sslmode=verify-full}
 * ({@link PairedSamples}).
 *
 * <p>A throwaway PostgreSQL cannot check a SigV4 token, so each driver gets its own TLS-only role whose password is
 * set, in this fork's setup, to the token that driver's cache holds and will reuse (lava-pg: {@code iamTokenTtl} 840
 * s; the wrapper: {@code iamExpiration} 870 s), the way the driver's {@code IamIT} does. Both mint from the same
 * static credentials with the same SDK signer ({@code RdsUtilities}); what is measured is the cached-token path.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class IamConnectBenchmark {

    /** lava-pg: the role's password is the token the shared engine's token cache holds for {@code bench/iam}. */
    @State(Scope.Thread)
    public static class Lava extends LavaConnector {
        @Override
        protected String connId() {
            return BenchEnv.IAM;
        }

        /** Mints the token through the driver's own resolution and makes it the role's password. */
        @Override
        protected void prepare() throws Exception {
            String token = TestHook.resolvedPassword(url, info);
            env.setPassword(BenchEnv.ROLE_IAM_LAVA, token);
        }
    }

    /** The AWS Advanced JDBC Wrapper: the role's password is the token its plugin cached on the first connect. */
    @State(Scope.Thread)
    public static class Wrapper extends BaselineConnector {
        @Override
        protected void configure(BenchEnv env) {
            url = env.serverUrl("jdbc:aws-wrapper:postgresql:");
            info = env.tls();
            info.setProperty("user", BenchEnv.ROLE_IAM_WRAPPER);
            info.setProperty("wrapperPlugins", "iam");
            info.setProperty("iamRegion", BenchEnv.REGION);
            info.setProperty("ApplicationName", "lv-" + BenchEnv.REALM + "-" + BenchEnv.IAM);
        }

        /**
         * The first connect mints and caches a token and is refused (the role's password is not that token yet);
         * then the role gets that token as its password and a second connect checks it.
         */
        @Override
        protected void firstConnect(BenchEnv env) throws Exception {
            try {
                connectAndClose();
            } catch (SQLException expected) {
                // 28P01: the role's password is not the new token yet
            }
            String token = WrapperTokenCache.token(BenchEnv.ROLE_IAM_WRAPPER);
            if (token == null) {
                throw new IllegalStateException("the wrapper cached no IAM token for " + BenchEnv.ROLE_IAM_WRAPPER);
            }
            env.setPassword(BenchEnv.ROLE_IAM_WRAPPER, token);
            connectAndClose();
        }
    }

    /**
     * @param lava lava-pg with a cached token
     * @param wrapper the wrapper with a cached token
     * @param pairs the timings
     * @throws SQLException when a connect fails
     */
    @Benchmark
    public void lavaVsAwsWrapper(Lava lava, Wrapper wrapper, PairedSamples pairs) throws SQLException {
        pairs.measure(lava, wrapper);
    }
}
