package io.lava.jdbc.internal.aws;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.AwsSettings;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.utils.IoUtils;
import software.amazon.awssdk.utils.Lazy;

/**
 * The engine's AWS clients and credential providers: one {@link AwsClients} per (region, profile, endpoint) and one
 * credentials provider per profile, built on first use and shared by every connect of the engine.
 *
 * <p>Bounded: at most {@value #MAXIMUM_SCOPES} scopes and {@value #MAXIMUM_PROFILES} profiles are kept; the least
 * recently used one beyond that is closed (a later connect for it builds it again; an evicted profile's clients are
 * closed with its provider). Every client times its calls on the registry's one scheduler, resolves
 * credentials on its one credentials thread ({@link AwsThreads}) and sends through its one HTTP client. When a scope's
 * clients are built, its credentials start resolving on that thread at once ({@link AwsThreads#prefetch}), so that an
 * IAM Identity Center, STS, container or instance-metadata round trip overlaps the SDK's client construction. {@link #close()} closes every client and
 * credentials provider and ends those threads. Thread-safe.
 */
final public class AwsClientRegistry implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AwsClientRegistry.class.getName());

    /** Bound on the (region, profile, endpoint) scopes with live clients. */
    public static final int MAXIMUM_SCOPES = 64;

    /**
     * Bound on the profiles with a live credentials provider. {@code awsProfile} comes from the URL; beyond the bound
     * the least recently used profile's provider is closed, with the clients built on it (a later connect builds
     * both again).
     */
    public static final int MAXIMUM_PROFILES = 32;

    /** @return how many scopes have clients and how many profiles a provider (after pending evictions); for tests */
    public long[] sizes() {
        clients.cleanUp();
        credentials.cleanUp();
        return new long[] {clients.estimatedSize(), credentials.estimatedSize()};
    }

    private final Metrics metrics;
    private final AwsThreads threads = new AwsThreads();
    /**
     * The one HTTP client of every AWS client built here: its TLS context (the JDK's trust store, read once) is built
     * once per engine instead of once per service.
     */
    private final Lazy<SdkHttpClient> http = new Lazy<>(() -> UrlConnectionHttpClient.builder()
            .connectionTimeout(AwsClients.CONNECT_TIMEOUT).build());
    private final Cache<AwsSettings, AwsClients.Scope> scopes =
            Caffeine.newBuilder().maximumSize(MAXIMUM_SCOPES * 4L).build();
    private final Cache<AwsClients.Scope, AwsClients> clients;
    /** Keyed by profile name, {@code ""} for the default chain. */
    private final Cache<String, AwsCredentialsProvider> credentials;
    /** The AWS config and credentials files, read again when they change; shared by every provider. */
    private final ProfileFiles profileFiles = new ProfileFiles();
    private volatile boolean closed;

    /** @param metrics counts the API calls of every client built here */
    public AwsClientRegistry(Metrics metrics) {
        this.metrics = metrics;
        this.clients = Caffeine.newBuilder()
                .maximumSize(MAXIMUM_SCOPES)
                .executor(Runnable::run)
                .<AwsClients.Scope, AwsClients>removalListener((scope, evicted, cause) -> {
                    if (evicted != null && cause.wasEvicted()) {
                        evicted.close();
                    }
                })
                .build();
        this.credentials = Caffeine.newBuilder()
                .maximumSize(MAXIMUM_PROFILES)
                .executor(Runnable::run)
                .<String, AwsCredentialsProvider>removalListener((profile, evicted, cause) -> {
                    if (evicted != null && cause.wasEvicted()) {
                        closeProfile(profile.isEmpty() ? null : profile, evicted);
                    }
                })
                .build();
    }

    /** Closes the clients built with an evicted profile's provider, then the provider. */
    private void closeProfile(String profile, AwsCredentialsProvider provider) {
        clients.asMap().forEach((scope, built) -> {
            if (Objects.equals(scope.profile(), profile) && clients.asMap().remove(scope, built)) {
                built.close();
            }
        });
        IoUtils.closeIfCloseable(provider, null);
    }

    /**
     * Resolves the user's settings once: the region is {@code awsRegion}, else the SDK's default region chain
     * ({@code AWS_REGION}, {@code aws.region}, the profile's region).
     *
     * <p>A region found is kept for these settings for the engine's life (the scope keys the clients and every cache
     * entry): a {@code region} edited in the profile later is not seen until the JVM restarts; set {@code awsRegion}
     * to choose it per URL. A failure is not kept: the next connect reads the files again.
     *
     * @param settings validated settings
     * @return the scope clients and cache keys are built for
     * @throws SourceException (08001) when no region is set and the SDK's chain finds none
     */
    public AwsClients.Scope scope(AwsSettings settings) {
        AwsClients.Scope scope = scopes.getIfPresent(settings);
        return scope != null ? scope : scopes.get(settings, AwsClientRegistry::resolve);
    }

    private static AwsClients.Scope resolve(AwsSettings settings) {
        Region region;
        if (settings.region() != null) {
            region = Region.of(settings.region());
        } else {
            try {
                region = DefaultAwsRegionProviderChain.builder().profileName(settings.profile()).build().getRegion();
            } catch (SdkException e) {
                throw new SourceException(Errors.UNABLE_TO_CONNECT, "no AWS region found. Set the awsRegion property, "
                        + "the AWS_REGION environment variable, or a region in the AWS profile", e);
            }
        }
        URI endpoint = settings.endpointUrl() == null ? null : URI.create(settings.endpointUrl());
        return new AwsClients.Scope(region, settings.profile(), endpoint);
    }

    /**
     * @param scope a scope from {@link #scope}
     * @return its clients, built on first use
     * @throws IllegalStateException after {@link #close()}
     */
    public AwsClients clients(AwsClients.Scope scope) {
        AwsClients existing = clients.getIfPresent(scope);
        if (existing != null) {
            return existing;
        }
        checkOpen();
        // outside the clients' compute: getting it may evict another profile, whose clients are then closed
        AwsCredentialsProvider scopeCredentials = credentials(scope.profile());
        return clients.get(scope, s -> {
            LOG.log(Level.FINE, "AWS clients for region {0}, profile {1}, endpoint {2}", new Object[] {s.region(),
                    s.profile() == null ? "(default)" : s.profile(), s.endpoint() == null ? "(SDK default)"
                            : s.endpoint()});
            threads.prefetch(scopeCredentials);
            return new AwsClients(s, scopeCredentials, threads.scheduler(), http.getValue(), metrics);
        });
    }

    /**
     * The credentials of a profile, one provider per profile for the engine. Without {@code awsProfile}: the SDK's
     * default chain (system properties, environment, web identity / IRSA, shared profile {@code AWS_PROFILE},
     * container and instance roles). With {@code awsProfile}: that profile only, as the AWS CLI's {@code --profile}
     * does, including profiles that assume a role ({@code role_arn} with {@code source_profile} or
     * {@code credential_source}), IAM Identity Center ({@code sso_session}, {@code sso_start_url}), console sign-in
     * ({@code login_session}) and {@code credential_process}. A failure is a {@link NoCredentialsException} that says
     * which source failed and what to do ({@link CredentialFailures}).
     *
     * <p>The provider lives as long as the engine (or until evicted) and is the same object for every client built
     * on it, but the SDK provider behind it is replaced, and the old one closed, when the AWS config or credentials
     * file changes and after every failure ({@link RenewingCredentialsProvider}): a sign-in renewed while the JVM runs
     * ({@code aws sso login}, {@code aws login}), a profile added, edited or removed and static keys rotated in
     * {@code ~/.aws/credentials} count from the next resolution on, and no failure is kept.
     *
     * <p>Resolution runs on the engine's credentials thread ({@link AwsThreads}); closing what this returns does
     * nothing (the registry closes the providers).
     *
     * @param profile a profile name, or {@code null} for the default chain
     * @return the shared provider
     */
    public AwsCredentialsProvider credentials(String profile) {
        checkOpen();
        return threads.onCredentialsThread(providers(profile));
    }

    private AwsCredentialsProvider providers(String profile) {
        return credentials.get(profile == null ? "" : profile,
                p -> CredentialFailures.classifying(profile, new RenewingCredentialsProvider(profile, profileFiles)));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the lava-pg engine was closed");
        }
    }

    /**
     * Closes every client, then every credentials provider, then ends the engine's AWS threads. Idempotent; never
     * throws.
     */
    @Override
    public void close() {
        closed = true;
        List<AwsClients> all = new ArrayList<>(clients.asMap().values());
        clients.invalidateAll();
        all.forEach(AwsClients::close);
        if (http.hasValue()) {
            http.close();
        }
        List<AwsCredentialsProvider> providers = new ArrayList<>(credentials.asMap().values());
        credentials.invalidateAll();
        providers.forEach(provider -> IoUtils.closeIfCloseable(provider, null));
        scopes.invalidateAll();
        threads.close();
    }
}
