package io.lava.jdbc.internal.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.utils.IoUtils;

/**
 * The engine's credentials provider for one profile (or the default chain): an SDK provider that is replaced, and the
 * old one closed, whenever the AWS config or credentials file changed ({@link ProfileFiles}) and after every failure,
 * so that a sign-in renewed while the JVM runs ({@code aws sso login}, {@code aws login}), a profile added, edited or
 * removed, or static keys rotated in {@code ~/.aws/credentials} are used by the next resolution, and no failure is
 * kept. Between those events the SDK provider and its own caches are kept, so a working source is not asked more
 * often than the SDK asks it.
 *
 * <p>Why, from the sources of AWS SDK for Java 2.57.8:
 * <ul>
 *   <li>{@code ProfileCredentialsProvider}: by default reads the profile files once, when it is built
 *   ({@code ProfileFileSupplier.fixedProfileFile(ProfileFile.defaultProfileFile())}); given a supplier
 *   ({@code profileFile(Supplier)}) it builds a new inner provider (SSO, assume-role, process, static) when the
 *   supplier returns a different {@code ProfileFile}, without closing the old one. Its inner provider is built on
 *   the first resolution and kept; a failure while building it leaves none, so that one is retried.</li>
 *   <li>{@code ProfileFileSupplier.defaultSupplier()}: looks for the two files once, when created (a file created
 *   later is never read); {@code reloadWhenModified} checks the file's modification time at most once a second.</li>
 *   <li>{@code SsoCredentialsProvider} (built per profile by {@code SsoProfileCredentialsProviderFactory}, with its
 *   own {@code SsoClient}): caches the role credentials until one minute before they expire (prefetch five minutes
 *   before; a failed prefetch keeps the cached credentials). The access token is resolved at each refresh from its
 *   token provider. A failed refresh is not cached: the next resolution asks again. A value the portal answers already
 *   inside that minute is kept one second ({@code CachedSupplier}, {@code STRICT}).</li>
 *   <li>{@code SsoOidcTokenProvider} ({@code sso_session}): keeps the access token in memory until one minute before
 *   its {@code expiresAt} and only then reads {@code ~/.aws/sso/cache} again and refreshes it through SSO OIDC
 *   {@code CreateToken}; a token the portal refuses (401) while its {@code expiresAt} is ahead is therefore used
 *   again and again, and a new token written by {@code aws sso login} is not read, until the provider is rebuilt.
 *   A refresh SSO OIDC refuses is logged, and the token on disk (possibly expired) is used; an expired one fails with
 *   {@code ExpiredTokenException}.</li>
 *   <li>legacy {@code SsoAccessTokenProvider} ({@code sso_start_url}): reads the cache file at every refresh of the
 *   role credentials; it never refreshes the token.</li>
 *   <li>{@code LoginCredentialsProvider} ({@code login_session}, signin module): caches the credentials until one
 *   minute before they expire; at each refresh it reads {@code ~/.aws/login/cache} again, uses the credentials there
 *   when they are still fresh, else refreshes them through the sign-in service ({@code CreateOAuth2Token}) and writes
 *   the file back. A failed refresh is not cached.</li>
 *   <li>{@code DefaultCredentialsProvider}: builds its chain on first use and by default reuses the source that last
 *   answered; its profile source reads the files once unless given a supplier.</li>
 * </ul>
 * Replacing the provider after a failure is what makes a new {@code aws sso login} work without a restart; replacing
 * it when the files change makes edits count and closes what the old one held (its {@code SsoClient},
 * {@code StsClient}, sign-in client). Role credentials the SDK cached before a session ended are still used until
 * they go stale: a session that ends shows at the first refresh after that.
 *
 * <p>Thread-safe: resolutions are serialised by its lock (and the registry runs them on its one credentials thread,
 * {@link AwsThreads}), so closing a replaced provider never cuts a resolution short.
 */
final class RenewingCredentialsProvider implements AwsCredentialsProvider, AutoCloseable {
    private final String profile;
    private final ProfileFiles files;
    private AwsCredentialsProvider current;
    private ProfileFile builtWith;
    private boolean closed;

    /**
     * @param profile the {@code awsProfile} property, or {@code null} for the SDK's default chain
     * @param files the profile files, shared by the engine's providers
     */
    RenewingCredentialsProvider(String profile, ProfileFiles files) {
        this.profile = profile;
        this.files = files;
    }

    /**
     * @return the current SDK provider's credentials, after replacing it when the profile files changed
     * @throws RuntimeException what the SDK provider (or reading the profile files) throws; the provider is then
     *     closed and the next call builds a new one
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public synchronized AwsCredentials resolveCredentials() {
        if (closed) {
            throw new IllegalStateException("the lava-pg engine was closed");
        }
        ProfileFile now;
        try {
            now = files.get();
        } catch (RuntimeException unreadable) {
            // a file the SDK cannot parse: the SDK's provider reads the files itself and reports it where it matters
            // (the default chain goes on to its other sources); built again at each resolution until the file is fixed
            now = null;
        }
        if (current == null || now == null || now != builtWith) {
            drop();
            current = build(now);
            builtWith = now;
        }
        try {
            return current.resolveCredentials();
        } catch (RuntimeException e) {
            drop();
            throw e;
        }
    }

    /**
     * The SDK's provider, given the profile files as read now (it never sees them change: it is replaced), or left to
     * read them itself when they could not be parsed ({@code now == null}).
     */
    private AwsCredentialsProvider build(ProfileFile now) {
        if (profile == null) {
            DefaultCredentialsProvider.Builder builder = DefaultCredentialsProvider.builder();
            return (now == null ? builder : builder.profileFile(now)).build();
        }
        ProfileCredentialsProvider.Builder builder = ProfileCredentialsProvider.builder().profileName(profile);
        return (now == null ? builder : builder.profileFile(now)).build();
    }

    private void drop() {
        AwsCredentialsProvider old = current;
        current = null;
        builtWith = null;
        IoUtils.closeIfCloseable(old, null);
    }

    /** Closes the current SDK provider; later resolutions fail. Idempotent; never throws. */
    @Override
    public synchronized void close() {
        closed = true;
        drop();
    }

    @Override
    public String toString() {
        return "RenewingCredentialsProvider(profile=" + (profile == null ? "(default chain)" : profile) + ")";
    }
}
