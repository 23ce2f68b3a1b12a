package io.lava.jdbc.internal.record;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.SourceException;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A record's secret_id stays under /lava/<realm>/, as its SSM parameter must. */
class RealmNamesTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/lava/prod/db",
            "/lava/prod/team/db",
            "/lava/prod/db-AbCdEf",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:/lava/prod/db-AbCdEf",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:/lava/prod/db",
            "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:/lava/prod/x/y-123456",
            "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:/lava/prod/db",
    })
    void namesUnderTheRealmAreAllowed(String secretId) {
        assertThatCode(() -> RealmNames.checkSecretId("prod", secretId, Set.of())).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "db",
            "prod/db",
            "lava/prod/db",
            "/lava/prod/",
            "/lava/prod",
            "/lava/other/db",
            "/lava/Prod/db",
            "/LAVA/prod/db",
            "/lava/prod-other/db",
            "/lava/prodx/db",
            "/lava/prod/../other/db",
            "/lava/prod/..",
            "/lava/prod/./db",
            "/lava/prod//db",
            "/lava/prod/db/",
            "/lava/prod/%2e%2e/other",
            " /lava/prod/db",
            "/lava/pro%64/db",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:/lava/other/db-AbCdEf",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:/lava/prod/../x",
            "arn:aws:ssm:us-east-1:123456789012:parameter:/lava/prod/db",
            "arn:aws:secretsmanager:us-east-1:123456789012:/lava/prod/db",
            "arn:aws:secretsmanager:us-east-1:secret:/lava/prod/db",
            "ARN:aws:secretsmanager:us-east-1:123456789012:secret:/lava/prod/db",
            "arn:secret:secretsmanager:us-east-1:123456789012:secret:/lava/other/db",
    })
    void everyOtherNameIsRefusedWith28000(String secretId) {
        assertThatThrownBy(() -> RealmNames.checkSecretId("prod", secretId, Set.of()))
                .isInstanceOfSatisfying(SourceException.class, e -> {
                    org.assertj.core.api.Assertions.assertThat(e.sqlState()).isEqualTo("28000");
                    org.assertj.core.api.Assertions.assertThat(e.getMessage())
                            .startsWith("secret '" + secretId + "' is outside /lava/prod/")
                            .contains("Store the secret under /lava/prod/");
                });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/shared/pg/db", "arn:aws:secretsmanager:us-east-1:123456789012:secret:/shared/pg/db-x"})
    void anExtraPrefixAllowsMore(String secretId) {
        assertThatCode(() -> RealmNames.checkSecretId("prod", secretId, Set.of("/shared/pg/")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> RealmNames.checkSecretId("prod", secretId.replace("/shared/pg/", "/shared/../pg/"),
                Set.of("/shared/pg/"))).isInstanceOf(SourceException.class);
        String name = secretId.substring(secretId.lastIndexOf(':') + 1);
        assertThatThrownBy(() -> RealmNames.checkSecretId("prod", secretId, Set.of(name)))
                .as("the prefix alone is not a name under it").isInstanceOf(SourceException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rds!cluster-1f2e3d", "rds!db-0a1b2c3d",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-1f2e3d-AbCdEf"})
    void anOperatorPrefixSuchAsRdsManagedSecretsIsAPlainPrefix(String secretId) {
        assertThatCode(() -> RealmNames.checkSecretId("prod", secretId, Set.of("rds!")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> RealmNames.checkSecretId("prod", secretId, Set.of()))
                .isInstanceOf(SourceException.class);
        assertThatThrownBy(() -> RealmNames.checkSecretId("prod", secretId.replace("rds!", "rds!/../"),
                Set.of("rds!"))).isInstanceOf(SourceException.class);
        assertThatThrownBy(() -> RealmNames.checkSecretId("prod", secretId.replace("rds!", "rdsx!"), Set.of("rds!")))
                .isInstanceOf(SourceException.class);
    }
}
