package io.lava.jdbc.internal.aws;

import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.aws.CredentialProfile.Kind;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.services.signin.model.SigninException;
import software.amazon.awssdk.services.sso.auth.ExpiredTokenException;
import software.amazon.awssdk.services.sso.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sso.model.SsoException;
import software.amazon.awssdk.services.sso.model.UnauthorizedException;
import software.amazon.awssdk.services.ssooidc.model.SsoOidcException;
import software.amazon.awssdk.services.sts.model.StsException;
import software.amazon.awssdk.utils.IoUtils;

/**
 * Turns a failure of an SDK credentials provider into a {@link NoCredentialsException} whose SQLState and message say
 * which source failed, for which profile, and what to do. Classifies by the SDK's exception types and error codes and
 * by the kind of profile ({@link CredentialProfile}), never by message text:
 *
 * <ul>
 *   <li>IAM Identity Center ({@code sso_session}, {@code sso_start_url}) or console sign-in ({@code login_session})
 *       not signed in, token expired and not refreshable, revoked or refused (the portal's {@code SsoException} with
 *       HTTP 401/403 or {@code UnauthorizedException}; SSO OIDC's and the sign-in service's 4xx such as
 *       {@code InvalidGrantException}, {@code AccessDeniedException}; the SDK's {@code ExpiredTokenException}; any
 *       401/403 for such a profile): 28000, run {@code aws sso login --profile <name>} / {@code aws login --profile
 *       <name>}, at any point of the JVM's life (the next connect reads the token cache again,
 *       {@link RenewingCredentialsProvider}); throttled or 5xx: 08001, retry later;
 *   <li>STS refusing an expired web identity token ({@code ExpiredTokenException}): 28000, renew the token where the
 *       platform writes it;
 *   <li>IAM Identity Center not giving the role ({@code ResourceNotFoundException}): 28000, naming
 *       {@code sso_role_name} and {@code sso_account_id};
 *   <li>STS refusing {@code AssumeRole} / {@code AssumeRoleWithWebIdentity}: 28000 with the role ARN and AWS's error
 *       (08001 when throttled or 5xx);
 *   <li>the profile does not exist: 08001 naming the files, never the profiles they have (the URL writer may not own the host);
 *   <li>an incomplete profile (the SDK's validation): 08001, fix the profile;
 *   <li>{@code credential_process} failing: 08001 (its output is never quoted: it may hold keys);
 *   <li>an endpoint not reachable (socket, DNS, TLS, timeout): 08001;
 *   <li>any other AWS answer: 08001, "retry later" only when throttled or 5xx, else check the profile;
 *   <li>nothing configured anywhere: 08001 with the sources of the default chain in the order it tries them.
 * </ul>
 * The default chain ({@code DefaultCredentialsProvider}) hides why each source failed; when it fails, the source the
 * environment configures (web identity, the profile in effect, container credentials) is resolved once more on its own
 * so that its failure can be told. Messages never contain a key, token or process output.
 */
final class CredentialFailures {
    /** The default chain's sources, in the order {@code DefaultCredentialsProvider} tries them. */
    static final String DEFAULT_CHAIN = "Java system properties (aws.accessKeyId, aws.secretAccessKey); environment "
            + "variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY); web identity (AWS_ROLE_ARN with "
            + "AWS_WEB_IDENTITY_TOKEN_FILE); the profile in AWS_PROFILE, else 'default', in %s; container credentials "
            + "(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI); EC2 instance metadata "
            + "(IMDS%s)";

    /** STS's and SSO OIDC's error code for an expired token. */
    private static final String EXPIRED_TOKEN = "ExpiredTokenException";

    /** Error codes of the sign-in services that mean the sign-in is over ({@link #signedOut}). */
    private static final Set<String> SIGNED_OUT_CODES = Set.of("UnauthorizedException", EXPIRED_TOKEN,
            "InvalidGrantException", "AccessDeniedException", "UnauthorizedClientException", "InvalidClientException");

    private CredentialFailures() {
    }

    /**
     * @param profile the {@code awsProfile} property, or {@code null} for the default chain
     * @param provider the SDK's provider for it
     * @return a provider that reports every failure of {@code provider} as a classified {@link NoCredentialsException};
     *     closing it closes {@code provider}
     */
    static AwsCredentialsProvider classifying(String profile, AwsCredentialsProvider provider) {
        return new Classifying(profile, provider);
    }

    /** A provider whose failures are classified. */
    private record Classifying(String profile, AwsCredentialsProvider delegate)
            implements AwsCredentialsProvider, AutoCloseable {
        @Override
        public AwsCredentials resolveCredentials() {
            try {
                return delegate.resolveCredentials();
            } catch (NoCredentialsException e) {
                throw e;
            } catch (RuntimeException e) {
                throw classify(profile, e);
            }
        }

        @Override
        public void close() {
            IoUtils.closeIfCloseable(delegate, null);
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }

    /**
     * @param profile the {@code awsProfile} property, or {@code null} for the default chain
     * @param e what the SDK's provider threw
     * @return the classified failure, with the SDK's exception (or the one of the configured source) as cause
     */
    static NoCredentialsException classify(String profile, RuntimeException e) {
        ProfileFile files;
        try {
            files = ProfileFile.defaultProfileFile();
        } catch (RuntimeException unreadable) {
            return failure(Errors.UNABLE_TO_CONNECT, "no AWS credentials: the AWS config files "
                    + CredentialProfile.files() + " could not be read: " + unreadable.getMessage() + ". Fix them "
                    + "(aws configure list-profiles shows what the AWS CLI reads)", unreadable);
        }
        String name = CredentialProfile.effectiveName(profile);
        CredentialProfile inEffect = CredentialProfile.read(files, name);
        if (profile != null) {
            return classify(inEffect, null, files, e);
        }
        if (SdkSystemSetting.AWS_ROLE_ARN.getStringValue().isPresent()
                && SdkSystemSetting.AWS_WEB_IDENTITY_TOKEN_FILE.getStringValue().isPresent()) {
            RuntimeException own = attempt(() -> WebIdentityTokenFileCredentialsProvider.builder().build());
            return classify(null, "web identity (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE)", files,
                    own == null ? e : own);
        }
        if (inEffect.kind() == Kind.MISSING && CredentialProfile.named(null)) {
            return classify(inEffect, null, files, e);
        }
        if (inEffect.kind() != Kind.MISSING && inEffect.kind() != Kind.NONE) {
            RuntimeException own = attempt(() -> ProfileCredentialsProvider.builder().profileName(name).build());
            return classify(inEffect, null, files, own == null ? e : own);
        }
        if (SdkSystemSetting.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI.getStringValue().isPresent()
                || SdkSystemSetting.AWS_CONTAINER_CREDENTIALS_FULL_URI.getStringValue().isPresent()) {
            RuntimeException own = attempt(() -> ContainerCredentialsProvider.builder().build());
            return classify(null, "container credentials (AWS_CONTAINER_CREDENTIALS_*)", files,
                    own == null ? e : own);
        }
        boolean imdsOff = SdkSystemSetting.AWS_EC2_METADATA_DISABLED.getBooleanValue().orElse(false);
        return new NoCredentialsException(Errors.UNABLE_TO_CONNECT, "no AWS credentials found. The default chain "
                + "tried, in this order: " + String.format(DEFAULT_CHAIN, CredentialProfile.files(),
                imdsOff ? ", switched off by AWS_EC2_METADATA_DISABLED" : "") + ". Configure one of them, or name a "
                + "profile with awsProfile", e);
    }

    /** Resolves one source on its own; @return its failure, or {@code null} when it now succeeds */
    private static RuntimeException attempt(Supplier<AwsCredentialsProvider> source) {
        AwsCredentialsProvider provider = null;
        try {
            provider = source.get();
            provider.resolveCredentials();
            return null;
        } catch (RuntimeException e) {
            return e;
        } finally {
            IoUtils.closeIfCloseable(provider, null);
        }
    }

    /**
     * @param profile the profile that failed, or {@code null} for an environment source
     * @param source the environment source, when {@code profile} is {@code null}
     */
    static NoCredentialsException classify(CredentialProfile profile, String source, ProfileFile files,
                                                    RuntimeException e) {
        String from = "no AWS credentials from " + (profile != null ? profile.describe() : source);
        if (find(e, ClassNotFoundException.class) != null) {
            return failure(Errors.UNABLE_TO_CONNECT, from + ": the AWS SDK module this source needs is missing ("
                    + find(e, ClassNotFoundException.class).getMessage() + "). Use one lava-pg-jdbc jar: the -all jar "
                    + "alone, or the thin jar with its dependencies as Maven or Gradle resolve them", e);
        }
        if (profile != null && profile.kind() == Kind.MISSING) {
            // the host's other profile names are not listed: whoever writes the URL need not own the host
            return failure(Errors.UNABLE_TO_CONNECT, "no AWS credentials: AWS profile '" + profile.name() + "' does "
                    + "not exist in " + CredentialProfile.files() + ". Set awsProfile (or AWS_PROFILE) to a profile "
                    + "those files define (aws configure list-profiles), or add the profile", e);
        }
        StsException sts = find(e, StsException.class);
        if (sts != null && sts.awsErrorDetails() != null) {
            String role = profile != null && profile.detail() != null ? profile.detail()
                    : SdkSystemSetting.AWS_ROLE_ARN.getStringValue().orElse("(unknown)");
            if (sts.isThrottlingException() || sts.statusCode() >= 500) {
                return failure(Errors.UNABLE_TO_CONNECT, from + ": STS could not assume role '" + role + "' now: "
                        + AwsFailures.what(sts) + ". Retry later", e);
            }
            if (EXPIRED_TOKEN.equals(sts.awsErrorDetails().errorCode()) && webIdentity(profile)) {
                return failure(Errors.INVALID_AUTHORIZATION, from + ": STS refused the web identity token for role '"
                        + role + "' because it expired: " + AwsFailures.what(sts) + ". The token file is written by "
                        + "the platform (EKS, a CI runner, a credential helper): renew it there, then connect again", e);
            }
            return failure(Errors.INVALID_AUTHORIZATION, from + ": STS refused to assume role '" + role + "': "
                    + AwsFailures.what(sts) + AwsFailures.awsMessage(sts) + ". The role must exist and its trust "
                    + "policy must allow this identity (sts:AssumeRole, or sts:AssumeRoleWithWebIdentity for the "
                    + "token's issuer and subject)", e);
        }
        AwsServiceException signInService = profile == null ? null : signInService(e);
        if (signInService != null && unavailable(signInService)) {
            return failure(Errors.UNABLE_TO_CONNECT, from + ": " + signInServiceName(signInService) + " could not "
                    + "answer now: " + AwsFailures.what(signInService) + ". Retry later", e);
        }
        ResourceNotFoundException role = find(e, ResourceNotFoundException.class);
        if (profile != null && role != null) {
            return failure(Errors.INVALID_AUTHORIZATION, from + ": IAM Identity Center does not give this user the "
                    + "role of sso_role_name in the account of sso_account_id: " + AwsFailures.what(role)
                    + ". Check both in the profile, or ask for the permission set", e);
        }
        if (signInService != null && signedOut(signInService)) {
            return signIn(profile, signInService instanceof SigninException ? Kind.LOGIN : null, from, e);
        }
        if (profile != null && find(e, ExpiredTokenException.class) != null) {
            return signIn(profile, null, from, e);
        }
        AwsServiceException service = find(e, AwsServiceException.class);
        if (service != null && service.awsErrorDetails() != null) {
            if (unavailable(service)) {
                return failure(Errors.UNABLE_TO_CONNECT, from + ": AWS could not answer now: "
                        + AwsFailures.what(service) + AwsFailures.awsMessage(service) + ". Retry later", e);
            }
            if (profile != null && signInKind(profile.kind()) && refused(service)) {
                return signIn(profile, null, from, e);
            }
            return failure(Errors.UNABLE_TO_CONNECT, from + ": AWS refused the request: " + AwsFailures.what(service)
                    + AwsFailures.awsMessage(service) + ". Check the profile in " + CredentialProfile.files(), e);
        }
        if (unreachable(e)) {
            return failure(Errors.UNABLE_TO_CONNECT, from + ": its endpoint could not be reached (" + e.getMessage()
                    + "). Check the network, the proxy and any AWS_ENDPOINT_URL_* setting", e);
        }
        Kind kind = profile == null ? null : profile.kind();
        if (kind == Kind.PROCESS) {
            return failure(Errors.UNABLE_TO_CONNECT, from + ": its credential_process failed or printed no valid "
                    + "credentials. Run the command yourself to see why", e);
        }
        boolean invalid = e instanceof IllegalArgumentException || e instanceof IllegalStateException;
        if (invalid && kind != null) {
            return failure(Errors.UNABLE_TO_CONNECT, from + ": the profile is incomplete in "
                    + CredentialProfile.files() + ": " + e.getMessage() + " Fix the profile (aws configure"
                    + (kind == Kind.SSO || kind == Kind.SSO_LEGACY ? " sso" : "") + " --profile " + profile.name()
                    + ")", e);
        }
        if (signInKind(kind)) {
            return signIn(profile, null, from, e);
        }
        if (kind == Kind.NONE) {
            return failure(Errors.UNABLE_TO_CONNECT, from + ": the profile has none of aws_access_key_id, "
                    + "sso_session, sso_start_url, login_session, role_arn, credential_process. Add one, or choose "
                    + "another profile", e);
        }
        return failure(Errors.UNABLE_TO_CONNECT, from + ": " + e.getMessage() + ". Check the "
                + (profile != null ? "profile in " + CredentialProfile.files() : "source's settings"), e);
    }

    /**
     * The sign-in is over (never started, expired and not refreshable, revoked, or refused): 28000 with the command
     * that signs in again. The next connect after it reads the token cache again ({@link RenewingCredentialsProvider}).
     *
     * @param kind the kind the failing service tells ({@link Kind#LOGIN} for the sign-in service), or {@code null}
     *     for the profile's own
     */
    private static NoCredentialsException signIn(CredentialProfile profile, Kind kind, String from,
                                                 RuntimeException e) {
        return failure(Errors.INVALID_AUTHORIZATION, from + ": not signed in, or the sign-in expired and could "
                + "not be refreshed. Run `" + signInCommand(profile, kind)
                + "`, then connect again", e);
    }

    /**
     * @param profile a profile whose sign-in is over
     * @param kind the kind the failing service tells, or {@code null} for the profile's own
     * @return {@code aws login --profile <name>} for console sign-in, else {@code aws sso login --profile <name>}
     */
    static String signInCommand(CredentialProfile profile, Kind kind) {
        Kind k = kind != null ? kind : profile.kind();
        return (k == Kind.LOGIN ? "aws login" : "aws sso login") + " --profile " + profile.name();
    }

    private static boolean signInKind(Kind kind) {
        return kind == Kind.SSO || kind == Kind.SSO_LEGACY || kind == Kind.LOGIN;
    }

    private static boolean webIdentity(CredentialProfile profile) {
        return profile == null ? SdkSystemSetting.AWS_WEB_IDENTITY_TOKEN_FILE.getStringValue().isPresent()
                : profile.kind() == Kind.WEB_IDENTITY;
    }

    /**
     * @return the failure of a sign-in service in {@code e}'s chain: the IAM Identity Center portal
     *     ({@code SsoException}, {@code GetRoleCredentials}), SSO OIDC ({@code SsoOidcException}, {@code CreateToken})
     *     or the AWS sign-in service ({@code SigninException}, {@code CreateOAuth2Token}); or {@code null}
     */
    static AwsServiceException signInService(Throwable e) {
        for (Class<? extends AwsServiceException> type : List.of(SsoException.class, SsoOidcException.class,
                SigninException.class)) {
            AwsServiceException found = find(e, type);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String signInServiceName(AwsServiceException e) {
        return e instanceof SigninException ? "the AWS sign-in service" : e instanceof SsoOidcException
                ? "IAM Identity Center (SSO OIDC)" : "the IAM Identity Center portal";
    }

    /** @return whether AWS could not answer now: throttled, or a 5xx */
    static boolean unavailable(AwsServiceException e) {
        return e.isThrottlingException() || e.statusCode() >= 500;
    }

    /** @return whether AWS refused the caller's identity: HTTP 401 or 403 */
    private static boolean refused(AwsServiceException e) {
        return e.statusCode() == 401 || e.statusCode() == 403;
    }

    /**
     * Whether a sign-in service's answer means the sign-in is over, by type, HTTP status and AWS error code: the
     * portal refusing the access token ({@code UnauthorizedException}, 401, 403); SSO OIDC or the sign-in service
     * refusing the refresh token or client ({@code InvalidGrantException}, {@code ExpiredTokenException},
     * {@code AccessDeniedException}, {@code UnauthorizedClientException}, {@code InvalidClientException}, any 4xx
     * other than throttling: these services answer 4xx only about the token, the client or the request they build
     * themselves).
     *
     * @param e a failure of {@link #signInService}
     * @return {@code true} when signing in again is what fixes it
     */
    static boolean signedOut(AwsServiceException e) {
        if (unavailable(e)) {
            return false;
        }
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        if (e instanceof UnauthorizedException || refused(e) || SIGNED_OUT_CODES.contains(code)) {
            return true;
        }
        return !(e instanceof SsoException) && e.statusCode() >= 400 && e.statusCode() < 500;
    }

    private static NoCredentialsException failure(String sqlState, String message, RuntimeException cause) {
        return new NoCredentialsException(sqlState, message, cause);
    }

    private static boolean unreachable(Throwable e) {
        return find(e, SocketException.class) != null || find(e, UnknownHostException.class) != null
                || find(e, SocketTimeoutException.class) != null || find(e, SSLException.class) != null
                || find(e, ApiCallTimeoutException.class) != null
                || find(e, ApiCallAttemptTimeoutException.class) != null;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
