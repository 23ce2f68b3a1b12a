package io.lava.jdbc.internal.aws;

import java.nio.file.Path;
import java.util.Optional;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileLocation;
import software.amazon.awssdk.profiles.ProfileFileSystemSetting;
import software.amazon.awssdk.profiles.ProfileProperty;

/**
 * What kind of AWS credentials a shared-config profile holds, read with the SDK's {@link ProfileFile} API in the order
 * the SDK itself tries them ({@code ProfileCredentialsUtils}): web identity, IAM Identity Center ({@code sso_session},
 * or the legacy {@code sso_start_url}), console sign-in ({@code login_session}, {@code aws login}), an assumed role,
 * {@code credential_process}, static keys. Used only to explain a credentials failure; never holds a key or token.
 *
 * @param name the profile's name
 * @param kind what it holds
 * @param detail the property that identifies it: the {@code sso_session} or {@code login_session} name, the
 *     {@code sso_start_url}, the {@code role_arn}; or {@code null}
 */
record CredentialProfile(String name, Kind kind, String detail) {
    /** The {@code sso_session} property (a profile's reference to an {@code [sso-session ...]} section). */
    static final String SSO_SESSION = "sso_session";

    /** What a profile holds, in the SDK's order of precedence. */
    enum Kind {
        /** The profile is not in either file. */
        MISSING("profile"),
        /** {@code role_arn} with {@code web_identity_token_file}. */
        WEB_IDENTITY("web identity profile"),
        /** {@code sso_session}: IAM Identity Center with a refreshable token ({@code aws sso login}). */
        SSO("IAM Identity Center profile"),
        /** {@code sso_start_url} without {@code sso_session}: the legacy form, whose token is not refreshed. */
        SSO_LEGACY("IAM Identity Center profile (legacy sso_start_url form)"),
        /** {@code login_session}: AWS console credentials from {@code aws login}. */
        LOGIN("console sign-in profile"),
        /** {@code role_arn} with {@code source_profile} or {@code credential_source}. */
        ASSUME_ROLE("assume-role profile"),
        /** {@code credential_process}. */
        PROCESS("credential_process profile"),
        /** {@code aws_access_key_id} (with a session token or not). */
        STATIC("static-key profile"),
        /** None of the above. */
        NONE("profile");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /**
     * @param explicit the {@code awsProfile} property, or {@code null}
     * @return the profile the SDK uses: {@code explicit}, else {@code AWS_PROFILE} / {@code aws.profile}, else
     *     {@code default}
     */
    static String effectiveName(String explicit) {
        return explicit != null ? explicit : ProfileFileSystemSetting.AWS_PROFILE.getStringValueOrThrow();
    }

    /** @return whether a profile was named ({@code awsProfile}, {@code AWS_PROFILE} or {@code aws.profile}) */
    static boolean named(String explicit) {
        ProfileFileSystemSetting setting = ProfileFileSystemSetting.AWS_PROFILE;
        return explicit != null || System.getProperty(setting.property()) != null
                || System.getenv(setting.environmentVariable()) != null;
    }

    /**
     * Reads one profile from the default profile files ({@code AWS_CONFIG_FILE}, {@code AWS_SHARED_CREDENTIALS_FILE},
     * or {@code ~/.aws/config} and {@code ~/.aws/credentials}).
     *
     * @param profiles the profile files
     * @param name the profile's name
     * @return its kind; {@link Kind#MISSING} when neither file has it
     */
    static CredentialProfile read(ProfileFile profiles, String name) {
        Optional<Profile> found = profiles.profile(name);
        if (found.isEmpty()) {
            return new CredentialProfile(name, Kind.MISSING, null);
        }
        Profile p = found.get();
        if (has(p, ProfileProperty.ROLE_ARN) && has(p, ProfileProperty.WEB_IDENTITY_TOKEN_FILE)) {
            return new CredentialProfile(name, Kind.WEB_IDENTITY, value(p, ProfileProperty.ROLE_ARN));
        }
        if (has(p, SSO_SESSION)) {
            return new CredentialProfile(name, Kind.SSO, value(p, SSO_SESSION));
        }
        if (has(p, ProfileProperty.SSO_START_URL) || has(p, ProfileProperty.SSO_ACCOUNT_ID)
                || has(p, ProfileProperty.SSO_ROLE_NAME) || has(p, ProfileProperty.SSO_REGION)) {
            return new CredentialProfile(name, Kind.SSO_LEGACY, value(p, ProfileProperty.SSO_START_URL));
        }
        if (has(p, ProfileProperty.LOGIN_SESSION)) {
            return new CredentialProfile(name, Kind.LOGIN, value(p, ProfileProperty.LOGIN_SESSION));
        }
        if (has(p, ProfileProperty.ROLE_ARN)) {
            return new CredentialProfile(name, Kind.ASSUME_ROLE, value(p, ProfileProperty.ROLE_ARN));
        }
        if (has(p, ProfileProperty.CREDENTIAL_PROCESS)) {
            return new CredentialProfile(name, Kind.PROCESS, null);
        }
        if (has(p, ProfileProperty.AWS_ACCESS_KEY_ID)) {
            return new CredentialProfile(name, Kind.STATIC, null);
        }
        return new CredentialProfile(name, Kind.NONE, null);
    }

    /** @return {@code "<config file> or <credentials file>"} as the SDK resolves them */
    static String files() {
        Path config = ProfileFileLocation.configurationFilePath();
        Path credentials = ProfileFileLocation.credentialsFilePath();
        return config + " or " + credentials;
    }

    /** @return {@code "<label> '<name>'"}, e.g. {@code IAM Identity Center profile 'dev-sso'} */
    String describe() {
        return kind.label + " '" + name + "'";
    }

    private static boolean has(Profile p, String property) {
        return p.property(property).isPresent();
    }

    private static String value(Profile p, String property) {
        return p.property(property).orElse(null);
    }
}
