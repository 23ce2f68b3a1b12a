package io.lava.jdbc.internal.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.internal.aws.CredentialProfile.Kind;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.services.signin.model.SigninException;
import software.amazon.awssdk.services.sso.auth.ExpiredTokenException;
import software.amazon.awssdk.services.sso.model.SsoException;
import software.amazon.awssdk.services.sso.model.UnauthorizedException;
import software.amazon.awssdk.services.ssooidc.model.InvalidGrantException;
import software.amazon.awssdk.services.ssooidc.model.SsoOidcException;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * How a failure of an SDK credentials provider is classified: by the SDK's exception type, HTTP status and AWS error
 * code, and the profile's kind; never by message text (every message below is one the classification must not read).
 */
class CredentialFailuresTest {
    private static final CredentialProfile SSO = new CredentialProfile("sso-new", Kind.SSO, "corp");
    private static final CredentialProfile LEGACY = new CredentialProfile("legacy", Kind.SSO_LEGACY, "https://x");
    private static final CredentialProfile LOGIN = new CredentialProfile("dev-login", Kind.LOGIN, "arn");
    private static final CredentialProfile WEB = new CredentialProfile("ci", Kind.WEB_IDENTITY,
            "arn:aws:iam::123456789012:role/ci");
    private static final ProfileFile NO_FILES = ProfileFile.builder().type(ProfileFile.Type.CONFIGURATION)
            .content(new java.io.ByteArrayInputStream(new byte[0])).build();
    private static final CredentialProfile KEYS = new CredentialProfile("keys", Kind.STATIC, null);

    private static <B extends AwsServiceException.Builder> AwsServiceException service(Supplier<B> builder,
                                                                                      int status, String code) {
        B b = builder.get();
        b.statusCode(status).message("Session token not found or invalid")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("ignored")
                        .sdkHttpResponse(software.amazon.awssdk.http.SdkHttpResponse.builder().statusCode(status).build())
                        .build());
        return (AwsServiceException) b.build();
    }

    private static NoCredentialsException classify(CredentialProfile profile, RuntimeException e) {
        return CredentialFailures.classify(profile, null, NO_FILES, e);
    }

    @Test
    void thePortalRefusingTheTokenAsAPlainSsoExceptionIsASignInThatEnded() {
        // what main answered "Retry later" to: a 401 whose error type the SDK did not map to UnauthorizedException
        NoCredentialsException failure = classify(SSO, service(SsoException::builder, 401, "UnknownError"));

        assertThat(failure.sqlState()).isEqualTo("28000");
        assertThat(failure.getMessage())
                .isEqualTo("no AWS credentials from IAM Identity Center profile 'sso-new': not signed in, or the "
                        + "sign-in expired and could not be refreshed. Run `aws sso login --profile sso-new`, then "
                        + "connect again")
                .doesNotContain("Retry later");
    }

    @Test
    void unauthorizedExceptionWrappedByTheSdkIsASignInThatEnded() {
        RuntimeException wrapped = SdkClientException.create("resolving failed",
                service(UnauthorizedException::builder, 401, "UnauthorizedException"));

        assertThat(classify(LEGACY, wrapped).getMessage()).contains("Run `aws sso login --profile legacy`");
        assertThat(classify(LEGACY, wrapped).sqlState()).isEqualTo("28000");
    }

    @Test
    void aRefusedRefreshIsASignInThatEnded() {
        NoCredentialsException failure = classify(SSO, service(InvalidGrantException::builder, 400,
                "InvalidGrantException"));

        assertThat(failure.sqlState()).isEqualTo("28000");
        assertThat(failure.getMessage()).contains("Run `aws sso login --profile sso-new`");
    }

    @Test
    void anExpiredTokenTheSdkCannotRefreshIsASignInThatEnded() {
        NoCredentialsException failure = classify(SSO, ExpiredTokenException.builder()
                .cause(SdkClientException.create("Token is expired")).build());

        assertThat(failure.sqlState()).isEqualTo("28000");
        assertThat(failure.getMessage()).contains("Run `aws sso login --profile sso-new`");
    }

    @Test
    void theSignInServiceRefusingTheRefreshTokenAsksForAwsLogin() {
        NoCredentialsException failure = classify(LOGIN, service(SigninException::builder, 400,
                "AccessDeniedException"));

        assertThat(failure.sqlState()).isEqualTo("28000");
        assertThat(failure.getMessage()).contains("console sign-in profile 'dev-login'")
                .contains("Run `aws login --profile dev-login`, then connect again");
    }

    @ParameterizedTest
    @CsvSource({"500,InternalServerException", "503,ServiceUnavailableException", "429,TooManyRequestsException"})
    void aSignInServiceThatCannotAnswerNowIsUnavailableNotASignIn(int status, String code) {
        for (AwsServiceException e : new AwsServiceException[] {service(SsoException::builder, status, code),
                service(SsoOidcException::builder, status, code), service(SigninException::builder, status, code)}) {
            NoCredentialsException failure = classify(SSO, e);

            assertThat(failure.sqlState()).as("%s", e.getClass()).isEqualTo("08001");
            assertThat(failure.getMessage()).as("%s", e.getClass()).contains("could not answer now")
                    .endsWith("Retry later").doesNotContain("aws sso login");
        }
    }

    @Test
    void signedOutIsToldByTypeStatusAndErrorCode() {
        assertThat(CredentialFailures.signedOut(service(SsoException::builder, 403, "ForbiddenException"))).isTrue();
        assertThat(CredentialFailures.signedOut(service(SsoException::builder, 400, "UnauthorizedException")))
                .isTrue();
        assertThat(CredentialFailures.signedOut(service(SsoException::builder, 400, "InvalidRequestException")))
                .isFalse();
        assertThat(CredentialFailures.signedOut(service(SsoOidcException::builder, 400, "InvalidClientException")))
                .isTrue();
        assertThat(CredentialFailures.signedOut(service(SsoOidcException::builder, 503, "InvalidGrantException")))
                .isFalse();
    }

    @Test
    void anyRefusalForASignInProfileAsksToSignInAgain() {
        AwsServiceException other = service(StsException::builder, 403, "SomethingElse");
        // STS is classified on its own; a 403 of another service for an IAM Identity Center profile:
        AwsServiceException generic = service(AwsServiceException::builder, 403, "AccessDenied");

        assertThat(classify(SSO, generic).sqlState()).isEqualTo("28000");
        assertThat(classify(SSO, generic).getMessage()).contains("aws sso login --profile sso-new");
        assertThat(classify(KEYS, other).getMessage()).doesNotContain("aws sso login");
    }

    @Test
    void otherRefusalsDoNotSayRetryLater() {
        NoCredentialsException failure = classify(KEYS, service(AwsServiceException::builder, 400,
                "ValidationError"));

        assertThat(failure.sqlState()).isEqualTo("08001");
        assertThat(failure.getMessage()).contains("AWS refused the request").doesNotContain("Retry later");
    }

    @Test
    void anExpiredWebIdentityTokenIsRefusedIdentityNotARoleProblem() {
        NoCredentialsException failure = classify(WEB, service(StsException::builder, 400, "ExpiredTokenException"));

        assertThat(failure.sqlState()).isEqualTo("28000");
        assertThat(failure.getMessage()).contains("because it expired").contains("renew it there")
                .contains("arn:aws:iam::123456789012:role/ci");
    }

    @Test
    void theCommandNamesTheProfile() {
        assertThat(CredentialFailures.signInCommand(SSO, null)).isEqualTo("aws sso login --profile sso-new");
        assertThat(CredentialFailures.signInCommand(LOGIN, null)).isEqualTo("aws login --profile dev-login");
        assertThat(CredentialFailures.signInCommand(SSO, Kind.LOGIN)).isEqualTo("aws login --profile sso-new");
    }
}
