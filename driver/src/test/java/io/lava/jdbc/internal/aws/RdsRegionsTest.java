package io.lava.jdbc.internal.aws;

import io.lava.jdbc.internal.engine.Caches;
import io.lava.jdbc.internal.engine.Resolver;
import io.lava.jdbc.internal.record.ResolvedConnection;
import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.request.ConnectionOptions;
import io.lava.jdbc.internal.request.ConnectionRef;
import io.lava.jdbc.internal.aws.AwsClientRegistry;
import io.lava.jdbc.internal.sources.AwsSources;
import io.lava.jdbc.internal.record.LavaType;
import io.lava.jdbc.internal.aws.RdsRegions;
import io.lava.jdbc.internal.sources.RdsTokenSource;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.regions.Region;

class RdsRegionsTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(nullValues = "-", textBlock = """
            mydb.abc123xyz.eu-west-1.rds.amazonaws.com,                       eu-west-1
            mycluster.cluster-abc123xyz.us-east-2.rds.amazonaws.com,          us-east-2
            mycluster.cluster-ro-abc123xyz.ap-southeast-2.rds.amazonaws.com,  ap-southeast-2
            myproxy.proxy-abc123xyz.us-gov-west-1.rds.amazonaws.com,          us-gov-west-1
            MyDB.ABC123.EU-CENTRAL-1.RDS.AMAZONAWS.COM,                       eu-central-1
            mydb.abc123xyz.eu-west-1.rds.amazonaws.com.,                      eu-west-1
            mydb.abc123xyz.rds.cn-north-1.amazonaws.com.cn,                   cn-north-1
            mydb.abc123xyz.rds.cn-northwest-1.amazonaws.com.cn,               cn-northwest-1
            db.internal.example.com,                                          -
            localhost,                                                        -
            10.1.2.3,                                                         -
            rds.amazonaws.com,                                                -
            eu-west-1.rds.amazonaws.com,                                      -
            mydb.abc.eu-west-1.rds.amazonaws.com.evil.example,                -
            """)
    void regionFromEndpointName(String host, String region) {
        assertThat(RdsRegions.fromHost(host)).isEqualTo(region);
    }

    @ParameterizedTest(name = "host {0}, iamHost {1}, awsRegion {2} → {3} signed for {4}")
    @CsvSource(nullValues = "-", textBlock = """
            db.abc.eu-west-1.rds.amazonaws.com, -,                                  -,            eu-west-1,    db.abc.eu-west-1.rds.amazonaws.com
            db.abc.eu-west-1.rds.amazonaws.com, -,                                  ap-south-1,   ap-south-1,   db.abc.eu-west-1.rds.amazonaws.com
            127.0.0.1,                          db.abc.sa-east-1.rds.amazonaws.com, -,            sa-east-1,    db.abc.sa-east-1.rds.amazonaws.com
            127.0.0.1,                          db.abc.sa-east-1.rds.amazonaws.com, eu-north-1,   eu-north-1,   db.abc.sa-east-1.rds.amazonaws.com
            db.internal.example.com,            -,                                  -,            us-west-2,    db.internal.example.com
            """)
    void tokenKeyRegionAndHost(String host, String iamHost, String awsRegion, String region, String signedHost) {
        // the SDK's default chain is given the region us-west-2 here through its system property
        System.setProperty("aws.region", "us-west-2");
        try {
            Properties info = new Properties();
            if (iamHost != null) {
                info.setProperty("iamHost", iamHost);
                info.setProperty("iamPort", "15432");
            }
            if (awsRegion != null) {
                info.setProperty("awsRegion", awsRegion);
            }
            ConnectionRef ref = ConnectionRef.parse("jdbc:lava-pg:prod/aurora", info, k -> null);
            ConnectionOptions options = ConnectionOptions.of(ref, k -> null);
            ResolvedConnection resolved = new ResolvedConnection("prod", "aurora", LavaType.POSTGRES_AURORA, host,
                    5432, "db", "iam_user", null, ResolvedConnection.PasswordSource.IAM_TOKEN, null, null);
            Metrics metrics = new Metrics();
            try (AwsSources sources = new AwsSources(new AwsClientRegistry(metrics))) {
                Resolver resolver = new Resolver(new Caches(System::nanoTime, Runnable::run, metrics), sources,
                        System::nanoTime);
                Caches.TokenKey key = resolver.tokenKey(options, resolved);
                assertThat(((RdsTokenSource) key.source()).scope().region()).isEqualTo(Region.of(region));
                assertThat(key.host()).isEqualTo(signedHost);
                assertThat(key.port()).isEqualTo(iamHost != null ? 15432 : 5432);
                assertThat(key.user()).isEqualTo("iam_user");
                assertThat(key.identity()).isEqualTo("AKIDLAVATEST");
            }
        } finally {
            System.clearProperty("aws.region");
        }
    }
}
