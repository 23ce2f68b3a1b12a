package io.lava.jdbc.internal.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.internal.aws.CredentialProfile.Kind;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.profiles.ProfileFile;

/** The kind of each profile, as the SDK's own order of precedence decides it ({@code ProfileCredentialsUtils}). */
class CredentialProfileTest {
    private static final ProfileFile CONFIG = ProfileFile.builder()
            .type(ProfileFile.Type.CONFIGURATION)
            .content(new ByteArrayInputStream("""
                    [profile sso]
                    sso_session = corp
                    sso_account_id = 123456789012
                    sso_role_name = dev
                    [sso-session corp]
                    sso_start_url = https://corp.awsapps.com/start
                    sso_region = us-east-1
                    [profile legacy]
                    sso_start_url = https://legacy.awsapps.com/start
                    sso_region = us-east-1
                    [profile login]
                    login_session = arn:aws:iam::123456789012:user/dev
                    [profile role]
                    role_arn = arn:aws:iam::123456789012:role/etl
                    source_profile = keys
                    [profile web]
                    role_arn = arn:aws:iam::123456789012:role/ci
                    web_identity_token_file = /var/run/token
                    [profile process]
                    credential_process = /usr/local/bin/creds
                    [profile keys]
                    aws_access_key_id = AKIDEXAMPLE
                    aws_secret_access_key = example
                    [profile empty]
                    region = us-east-1
                    """.getBytes(StandardCharsets.UTF_8)))
            .build();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "null", value = {
        "sso, SSO, corp",
        "legacy, SSO_LEGACY, https://legacy.awsapps.com/start",
        "login, LOGIN, arn:aws:iam::123456789012:user/dev",
        "role, ASSUME_ROLE, arn:aws:iam::123456789012:role/etl",
        "web, WEB_IDENTITY, arn:aws:iam::123456789012:role/ci",
        "process, PROCESS, null",
        "keys, STATIC, null",
        "empty, NONE, null",
        "missing, MISSING, null"})
    void readsTheKindOfEachProfile(String name, Kind kind, String detail) {
        assertThat(CredentialProfile.read(CONFIG, name)).isEqualTo(new CredentialProfile(name, kind, detail));
    }
}
