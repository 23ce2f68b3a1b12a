package io.lava.jdbc.it.credentials;

import static io.lava.jdbc.testing.LocalCredentialEndpoints.ASSUMED_ROLE_KEY;
import static io.lava.jdbc.testing.LocalCredentialEndpoints.DENIED_ROLE;
import static io.lava.jdbc.testing.LocalCredentialEndpoints.ECS_KEY;
import static io.lava.jdbc.testing.LocalCredentialEndpoints.IMDS_KEY;
import static io.lava.jdbc.testing.LocalCredentialEndpoints.LOGIN_REFRESHED_KEY;
import static io.lava.jdbc.testing.LocalCredentialEndpoints.LOGIN_REFRESH_TOKEN;
import static io.lava.jdbc.testing.LocalCredentialEndpoints.POD_KEY;
import static io.lava.jdbc.testing.LocalCredentialEndpoints.SSO_REFRESH_TOKEN;
import static io.lava.jdbc.testing.LocalCredentialEndpoints.SSO_TOKEN;
import static io.lava.jdbc.testing.LocalCredentialEndpoints.WEB_IDENTITY_KEY;
import static io.lava.jdbc.testing.LocalCredentialEndpoints.ssoKey;

import io.lava.jdbc.testing.AwsHome;
import io.lava.jdbc.testing.LocalCredentialEndpoints;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The cases of {@link CredentialSourcesIT}: each credential source as a user configures it ({@link #SOURCES}), and
 * each way it fails that the errors table of {@code docs/errors.md} lists ({@link #FAILURES}).
 */
public final class CredentialCases {
    private static final String START_URL = "https://lava-corp.awsapps.com/start";
    private static final String LEGACY_URL = "https://lava-legacy.awsapps.com/start";
    private static final String LOGIN_SESSION = "arn:aws:iam::123456789012:user/dev";
    private static final String ROLE = "arn:aws:iam::123456789012:role/lava-etl";
    private static final String BASE = """
            [profile base]
            aws_access_key_id = AKIALAVABASEPROFILE
            aws_secret_access_key = base-test-secret
            """;

    /** Writes a case's files and environment. */
    public interface Setup {
        /**
         * @param home the case's home directory
         * @param env the child's environment, to add to or remove from
         * @param endpoints the stand-ins
         * @return what the case's URL adds to its query, e.g. {@code &awsProfile=dev-sso}, or {@code ""}
         */
        String prepare(AwsHome home, Map<String, String> env, LocalCredentialEndpoints endpoints);
    }

    /**
     * One case.
     *
     * @param name its name, in realm and directory names
     * @param thin whether the thin jar runs it too
     * @param setup its files and environment
     * @param accessKeyId for a source that works: the access key id it returns
     * @param sqlState for a failure: its SQLState, else {@code null}
     * @param says for a failure: what its message says
     */
    public record Case(String name, boolean thin, Setup setup, String accessKeyId, String sqlState, List<String> says) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case works(String name, boolean thin, String accessKeyId, Setup setup) {
        return new Case(name, thin, setup, accessKeyId, null, List.of());
    }

    private static Case fails(String name, String sqlState, Setup setup, String... says) {
        return new Case(name, false, setup, null, sqlState, List.of(says));
    }

    private static String ssoProfile(String name, String role) {
        return "[profile " + name + "]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = " + role
                + "\nregion = us-east-1\n\n[sso-session corp]\nsso_start_url = " + START_URL + "\nsso_region = "
                + "us-east-1\nsso_registration_scopes = sso:account:access\n";
    }

    private static String legacyProfile() {
        return "[profile legacy]\nsso_start_url = " + LEGACY_URL + "\nsso_region = us-east-1\n"
                + "sso_account_id = 123456789012\nsso_role_name = lava-legacy\nregion = us-east-1\n";
    }

    private static String loginProfile() {
        return "[profile dev-login]\nlogin_session = " + LOGIN_SESSION + "\nregion = us-east-1\n";
    }

    private static Setup sso(String role, Instant expiresAt, String refreshToken, String profile) {
        return (home, env, endpoints) -> {
            // an expired token is one the portal refuses: only a refreshed one gets the role's credentials
            String token = expiresAt.equals(AwsHome.EXPIRED) ? "sso-expired-access-token" : SSO_TOKEN;
            home.config(ssoProfile("dev-sso", role)).ssoSessionToken("corp", token, expiresAt, refreshToken,
                    START_URL);
            return profile(env, profile);
        };
    }

    /** {@code awsProfile=<name>}, or {@code AWS_PROFILE} when {@code name} starts with {@code env:}. */
    private static String profile(Map<String, String> env, String name) {
        if (name.startsWith("env:")) {
            env.put("AWS_PROFILE", name.substring(4));
            return "";
        }
        return "&awsProfile=" + name;
    }

    private static Setup webIdentity(String role) {
        return (home, env, endpoints) -> {
            env.put("AWS_WEB_IDENTITY_TOKEN_FILE", home.file("web-identity-token",
                    "eyJhbGciOiJSUzI1NiJ9.lava-ci.test").toString());
            env.put("AWS_ROLE_ARN", role);
            env.put("AWS_ROLE_SESSION_NAME", "lava-ci");
            return "";
        };
    }

    public static final List<Case> SOURCES = List.of(
            works("sso-session", true, ssoKey("lava-dev"), sso("lava-dev", AwsHome.VALID, SSO_REFRESH_TOKEN,
                    "dev-sso")),
            works("sso-session-aws-profile", false, ssoKey("lava-chain"), sso("lava-chain", AwsHome.VALID,
                    SSO_REFRESH_TOKEN, "env:dev-sso")),
            works("sso-session-refreshed", true, ssoKey("lava-refreshed"), sso("lava-refreshed", AwsHome.EXPIRED,
                    SSO_REFRESH_TOKEN, "dev-sso")),
            works("sso-legacy-start-url", false, ssoKey("lava-legacy"), (home, env, endpoints) -> {
                home.config(legacyProfile()).legacySsoToken(LEGACY_URL, SSO_TOKEN, AwsHome.VALID);
                return "&awsProfile=legacy";
            }),
            works("aws-login-cached", false, "ASIALAVALOGINCACHED", (home, env, endpoints) -> {
                home.config(loginProfile()).loginToken(LOGIN_SESSION, "ASIALAVALOGINCACHED", AwsHome.VALID,
                        LOGIN_REFRESH_TOKEN);
                return "&awsProfile=dev-login";
            }),
            works("aws-login-refreshed", true, LOGIN_REFRESHED_KEY, (home, env, endpoints) -> {
                home.config(loginProfile()).loginToken(LOGIN_SESSION, "ASIALAVALOGINEXPIRED", AwsHome.EXPIRED,
                        LOGIN_REFRESH_TOKEN);
                env.put("AWS_PROFILE", "dev-login");
                return "";
            }),
            works("web-identity", true, WEB_IDENTITY_KEY, webIdentity(ROLE)),
            works("assume-role-source-profile", true, ASSUMED_ROLE_KEY, (home, env, endpoints) -> {
                home.config("[profile etl]\nrole_arn = " + ROLE + "\nsource_profile = base\n\n" + BASE);
                return "&awsProfile=etl";
            }),
            works("assume-role-credential-source", false, ASSUMED_ROLE_KEY, (home, env, endpoints) -> {
                home.config("[profile etl]\nrole_arn = " + ROLE + "\ncredential_source = Environment\n");
                env.put("AWS_ACCESS_KEY_ID", "AKIALAVAENVSOURCE");
                env.put("AWS_SECRET_ACCESS_KEY", "env-test-secret");
                return "&awsProfile=etl";
            }),
            works("ecs-container", true, ECS_KEY, (home, env, endpoints) -> {
                env.put("AWS_CONTAINER_SERVICE_ENDPOINT", endpoints.endpoint());
                env.put("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", LocalCredentialEndpoints.ECS_PATH);
                return "";
            }),
            works("eks-pod-identity", false, POD_KEY, (home, env, endpoints) -> {
                env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoints.endpoint() + LocalCredentialEndpoints.POD_PATH);
                env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", home.file("eks-pod-identity-token",
                        LocalCredentialEndpoints.POD_TOKEN).toString());
                return "";
            }),
            works("ec2-instance-profile", true, IMDS_KEY, (home, env, endpoints) -> {
                env.remove("AWS_EC2_METADATA_DISABLED");
                env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoints.endpoint());
                return "";
            }),
            works("credential-process", false, "AKIALAVAPROCESS", (home, env, endpoints) -> {
                home.config("[profile tool]\ncredential_process = " + home.credentialProcess("AKIALAVAPROCESS") + "\n");
                return "&awsProfile=tool";
            }),
            works("static-keys-default-profile", false, "AKIALAVADEFAULTPROFILE", (home, env, endpoints) -> {
                home.credentials("[default]\naws_access_key_id = AKIALAVADEFAULTPROFILE\n"
                        + "aws_secret_access_key = default-test-secret\n");
                return "";
            }),
            works("static-keys-environment", false, "AKIALAVAENVKEYS", (home, env, endpoints) -> {
                env.put("AWS_ACCESS_KEY_ID", "AKIALAVAENVKEYS");
                env.put("AWS_SECRET_ACCESS_KEY", "env-test-secret");
                return "";
            }));

    private static final String SSO_LOGIN = "Run `aws sso login --profile dev-sso`, then connect again";

    public static final List<Case> FAILURES = List.of(
            fails("sso-never-signed-in", "28000", (home, env, endpoints) -> {
                home.config(ssoProfile("dev-sso", "lava-dev"));
                return "&awsProfile=dev-sso";
            }, "no AWS credentials from IAM Identity Center profile 'dev-sso': not signed in", SSO_LOGIN),
            fails("sso-never-signed-in-aws-profile", "28000", (home, env, endpoints) -> {
                home.config(ssoProfile("dev-sso", "lava-dev"));
                env.put("AWS_PROFILE", "dev-sso");
                return "";
            }, "no AWS credentials from IAM Identity Center profile 'dev-sso': not signed in", SSO_LOGIN),
            fails("sso-refresh-refused", "28000", sso("lava-dev", AwsHome.EXPIRED, "revoked-refresh-token",
                    "dev-sso"), "the sign-in expired and could not be refreshed", SSO_LOGIN),
            fails("sso-legacy-expired", "28000", (home, env, endpoints) -> {
                home.config(legacyProfile()).legacySsoToken(LEGACY_URL, SSO_TOKEN, AwsHome.EXPIRED);
                return "&awsProfile=legacy";
            }, "IAM Identity Center profile (legacy sso_start_url form) 'legacy'",
                    "Run `aws sso login --profile legacy`"),
            fails("aws-login-never-signed-in", "28000", (home, env, endpoints) -> {
                home.config(loginProfile());
                return "&awsProfile=dev-login";
            }, "no AWS credentials from console sign-in profile 'dev-login'", "Run `aws login --profile dev-login`"),
            fails("aws-login-refresh-refused", "28000", (home, env, endpoints) -> {
                home.config(loginProfile()).loginToken(LOGIN_SESSION, "ASIALAVALOGINEXPIRED", AwsHome.EXPIRED,
                        "revoked-refresh-token");
                return "&awsProfile=dev-login";
            }, "Run `aws login --profile dev-login`"),
            fails("profile-not-found", "08001", (home, env, endpoints) -> {
                home.config("[default]\nregion = us-east-1\n\n[profile analytics]\nregion = us-east-1\n\n" + BASE);
                return "&awsProfile=dev-sso";
            }, "no AWS credentials: AWS profile 'dev-sso' does not exist in ",
                    "Set awsProfile (or AWS_PROFILE) to a profile those files define (aws configure list-profiles)"),
            fails("assume-role-refused", "28000", (home, env, endpoints) -> {
                home.config("[profile etl]\nrole_arn = " + DENIED_ROLE + "\nsource_profile = base\n\n" + BASE);
                return "&awsProfile=etl";
            }, "no AWS credentials from assume-role profile 'etl': STS refused to assume role '" + DENIED_ROLE
                    + "': AccessDenied (HTTP 403): User: arn:aws:iam::123456789012:user/etl is not authorized to "
                    + "perform: sts:AssumeRole", "trust policy"),
            fails("web-identity-refused", "28000", webIdentity(DENIED_ROLE),
                    "no AWS credentials from web identity (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE): STS refused to "
                            + "assume role '" + DENIED_ROLE + "': AccessDenied (HTTP 403)"),
            fails("sso-role-not-given", "28000", sso("lava-admin", AwsHome.VALID, SSO_REFRESH_TOKEN, "dev-sso"),
                    "no AWS credentials from IAM Identity Center profile 'dev-sso': IAM Identity Center does not give "
                            + "this user the role of sso_role_name in the account of sso_account_id: "
                            + "ResourceNotFoundException (HTTP 404)"),
            fails("sso-session-section-missing", "08001", (home, env, endpoints) -> {
                home.config("[profile dev-sso]\nsso_session = gone\nsso_account_id = 123456789012\n"
                        + "sso_role_name = lava-dev\n");
                return "&awsProfile=dev-sso";
            }, "no AWS credentials from IAM Identity Center profile 'dev-sso': the profile is incomplete in ",
                    "Fix the profile (aws configure sso --profile dev-sso)"),
            fails("profile-without-credentials", "08001", (home, env, endpoints) -> {
                home.config("[profile plain]\nregion = us-east-1\n");
                return "&awsProfile=plain";
            }, "no AWS credentials from profile 'plain': the profile has none of aws_access_key_id"),
            fails("sts-unreachable", "08001", (home, env, endpoints) -> {
                webIdentity(ROLE).prepare(home, env, endpoints);
                env.put("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1");
                return "";
            }, "no AWS credentials from web identity (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE): its endpoint could "
                    + "not be reached", "Check the network, the proxy and any AWS_ENDPOINT_URL_* setting"),
            fails("credential-process-fails", "08001", (home, env, endpoints) -> {
                home.config("[profile tool]\ncredential_process = " + home.credentialProcess(2, "AKIALAVABADPROCESS")
                        + "\n");
                return "&awsProfile=tool";
            }, "no AWS credentials from credential_process profile 'tool': its credential_process failed or printed "
                    + "no valid credentials. Run the command yourself to see why"),
            fails("nothing-anywhere", "08001", (home, env, endpoints) -> "",
                    "no AWS credentials found. The default chain tried, in this order: Java system properties",
                    "environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY); web identity",
                    "container credentials", "EC2 instance metadata (IMDS, switched off by AWS_EC2_METADATA_DISABLED)",
                    "Configure one of them, or name a profile with awsProfile"));

    private CredentialCases() {
    }
}
