package io.lava.jdbc.internal.policy;

import io.lava.jdbc.LavaPgProperty;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.ConnectionRef;
import io.lava.jdbc.internal.request.SslMode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator's policy: what a URL or its {@code Properties} may ask of a process whose AWS identity is not the URL
 * writer's. Only the operator sets it, in a file named by the system property {@value PolicyFile#SYSTEM_PROPERTY} or,
 * when that is unset, the environment variable {@value PolicyFile#ENVIRONMENT_VARIABLE}; the engine reads it once when
 * it starts ({@link PolicyFile}). Without either, {@link #NONE} is in force and every connect behaves as without a
 * policy. A policy that cannot be read refuses every connect ({@link #broken}): it fails closed, never open.
 *
 * <p>With a policy in force, a connect is checked at three points:
 * <ol>
 *   <li>{@link #admit}, on the parsed URL and properties, before any AWS call: the realm must be in
 *       {@code allowedRealms} ({@code 28000}); every property the caller set must be in {@code allowedProperties} (or
 *       be {@code user}, {@code password} — accepted and ignored, as always — or {@code realm}), else {@code 0A000}
 *       naming it; a duration above its {@code max.<property>} is refused ({@code 0A000}) and a default above it is
 *       lowered to it; the settings the policy fixes ({@code awsProfile}, {@code awsRegion}, {@code awsEndpointUrl},
 *       {@code connectionsTable}, {@code connectionsFile}) replace whatever the caller's environment would give; and
 *       {@code sslmode} is raised to {@code minimumSslMode}.</li>
 *   <li>{@link #checkHost}, on the record's host (as soon as the record is read, before any parameter, secret or token
 *       is fetched; when only the secret supplies the host, right after the secret and before the token and the
 *       connect) and on {@code iamHost}: it must match {@code allowedHosts} ({@code 28000}).</li>
 *   <li>{@link #allowedSecretPrefixes}: {@code secret_id}s outside {@code /lava/<realm>/} the policy allows (e.g.
 *       {@code rds!} for RDS-managed secrets).</li>
 * </ol>
 * With {@code terseErrors=true}, the engine replaces each error's message with a correlation id and logs the detail
 * at {@code INFO} under that id for the operator.
 *
 * <p>Every list is an allow-list, compared with the final, percent-decoded values the driver acts on. Immutable and
 * thread-safe.
 */
public final class Policy {
    /** What a URL may set under a policy that names no {@code allowedProperties}. */
    public static final Set<String> DEFAULT_ALLOWED_PROPERTIES = Set.of("ApplicationName", "connectTimeout",
            "socketTimeout", "loginTimeout", "tcpKeepAlive", "defaultRowFetchSize", "prepareThreshold",
            "reWriteBatchedInserts", "readOnly", "currentSchema", "stringtype", "sslmode");
    /** The driver settings a policy may fix for every connect. */
    static final Set<String> FIXABLE = Set.of(LavaPgProperty.AWS_PROFILE.getName(),
            LavaPgProperty.AWS_REGION.getName(), LavaPgProperty.AWS_ENDPOINT_URL.getName(),
            LavaPgProperty.CONNECTIONS_TABLE.getName(), LavaPgProperty.CONNECTIONS_FILE.getName());
    /** Always accepted: {@code user} and {@code password} are ignored (pools send them), {@code realm} is checked. */
    private static final Set<String> ALWAYS_ACCEPTED = Set.of("user", "password", "realm");

    /** No policy: every connect as the URL asks. */
    public static final Policy NONE = new Policy(null, null, null, null, null, DEFAULT_ALLOWED_PROPERTIES, Map.of(),
            Map.of(), null, false, Set.of());

    private final String file;
    private final String sha256;
    private final String failure;
    private final Set<String> allowedRealms;
    private final List<HostPattern> allowedHosts;
    private final Set<String> allowedProperties;
    private final Map<String, String> fixed;
    private final Map<LavaPgProperty, Duration> maxima;
    private final SslMode minimumSslMode;
    private final boolean terseErrors;
    private final Set<String> allowedSecretPrefixes;

    Policy(String file, String sha256, String failure, Set<String> allowedRealms, List<HostPattern> allowedHosts,
           Set<String> allowedProperties, Map<String, String> fixed, Map<LavaPgProperty, Duration> maxima,
           SslMode minimumSslMode, boolean terseErrors, Set<String> allowedSecretPrefixes) {
        this.file = file;
        this.sha256 = sha256;
        this.failure = failure;
        this.allowedRealms = allowedRealms;
        this.allowedHosts = allowedHosts;
        this.allowedProperties = allowedProperties;
        this.fixed = fixed;
        this.maxima = maxima;
        this.minimumSslMode = minimumSslMode;
        this.terseErrors = terseErrors;
        this.allowedSecretPrefixes = allowedSecretPrefixes;
    }

    /**
     * A policy that could not be read: every connect is refused with {@code message} (SQLState {@code 08001}).
     *
     * @param file the policy file as named
     * @param message the file, the line and what is wrong, and what to do
     * @return the policy
     */
    static Policy broken(String file, String message) {
        return new Policy(file, null, message, Set.of(), List.of(), Set.of(), Map.of(), Map.of(), null, false,
                Set.of());
    }

    /** @return whether an operator's policy (a file) is in force, readable or not */
    public boolean inForce() {
        return file != null;
    }

    /** @return the policy file as the operator named it, or {@code null} without a policy */
    public String file() {
        return file;
    }

    /** @return the SHA-256 of the policy file's bytes, hex, or {@code null} without a policy or when it was unreadable */
    public String sha256() {
        return sha256;
    }

    /** @return whether tenants get a correlation id instead of the detail ({@code terseErrors}) */
    public boolean terseErrors() {
        return terseErrors;
    }

    /** @return {@code secret_id} prefixes allowed besides {@code /lava/<realm>/} ({@code allowedSecretPrefixes}) */
    public Set<String> allowedSecretPrefixes() {
        return allowedSecretPrefixes;
    }

    /**
     * Checks what the caller asked for and applies what the policy fixes.
     *
     * @param ref the parsed URL and the caller's properties
     * @return {@code ref} itself without a policy, else the same realm and conn_id with the properties the connect
     *     is to use
     * @throws SourceException {@code 08001} when the policy could not be read; {@code 28000} for a realm outside
     *     {@code allowedRealms}; {@code 0A000} for a property the policy does not allow or a duration above its bound
     */
    public ConnectionRef admit(ConnectionRef ref) {
        if (failure != null) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, failure);
        }
        if (file == null) {
            return ref;
        }
        if (allowedRealms != null && !allowedRealms.contains(ref.realm())) {
            throw new SourceException(Errors.INVALID_AUTHORIZATION, "realm '" + ref.realm() + "' is not one this "
                    + "process may connect to (the operator's policy lists the realms it serves). Use a realm the "
                    + "operator allows, or ask the operator to add it to allowedRealms");
        }
        Map<String, String> properties = new HashMap<>(ref.properties());
        for (String key : ref.properties().keySet()) {
            if (!ALWAYS_ACCEPTED.contains(key) && !allowedProperties.contains(key)) {
                throw new SourceException(Errors.NOT_SUPPORTED, "property '" + key + "' may not be set here: the "
                        + "operator's policy fixes or forbids it. Remove it from the URL and the properties, or ask "
                        + "the operator to add it to allowedProperties");
            }
        }
        for (Map.Entry<LavaPgProperty, Duration> max : maxima.entrySet()) {
            LavaPgProperty property = max.getKey();
            long bound = max.getValue().toSeconds();
            if (properties.containsKey(property.getName())) {
                Duration asked = property.getSeconds(properties);
                if (asked.toSeconds() > bound) {
                    throw new SourceException(Errors.NOT_SUPPORTED, "property " + property.getName() + "="
                            + asked.toSeconds() + " is above " + bound + " seconds, the most the operator's policy "
                            + "allows. Set at most " + bound);
                }
            } else if (property.getSeconds(Map.of()).toSeconds() > bound) {
                properties.put(property.getName(), Long.toString(bound));
            }
        }
        fixed.forEach((key, value) -> properties.put(key, value.replace("{realm}", ref.realm())));
        if (minimumSslMode != null) {
            String asked = properties.get("sslmode");
            SslMode mode = asked == null ? null : SslMode.forName(asked);
            if (asked == null || (mode != null && mode.compareTo(minimumSslMode) < 0)) {
                properties.put("sslmode", minimumSslMode.pgName());
            }
        }
        return new ConnectionRef(ref.realm(), ref.connId(), Map.copyOf(properties));
    }

    /**
     * @param what what the host is, for the message ({@code the record's host}, {@code iamHost})
     * @param host the host as the record or URL gives it
     * @throws SourceException {@code 28000} when {@code allowedHosts} holds no match
     */
    public void checkHost(String what, String host) {
        if (allowedHosts == null || host == null) {
            return;
        }
        for (HostPattern pattern : allowedHosts) {
            if (pattern.matches(host)) {
                return;
            }
        }
        throw new SourceException(Errors.INVALID_AUTHORIZATION, what + " '" + host + "' is not one this process may "
                + "connect to (the operator's policy lists the hosts it serves); nothing was fetched for it. Ask the "
                + "operator to add it to allowedHosts, or fix the record");
    }

    @Override
    public String toString() {
        return file == null ? "Policy[none]" : "Policy[" + file + (failure != null ? ", unreadable" : "") + "]";
    }
}
