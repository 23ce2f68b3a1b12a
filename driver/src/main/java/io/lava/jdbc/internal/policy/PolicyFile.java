package io.lava.jdbc.internal.policy;

import io.lava.jdbc.LavaPgProperty;
import io.lava.jdbc.internal.request.SslMode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the operator's policy: a Java properties file ({@link Properties#load(java.io.Reader)} syntax, UTF-8) named by
 * the system property {@value #SYSTEM_PROPERTY} or, when that is unset or blank, the environment variable
 * {@value #ENVIRONMENT_VARIABLE}. Keys (every other key is an error):
 * <ul>
 *   <li>{@code allowedRealms}: comma list of realms; absent means any realm;</li>
 *   <li>{@code allowedHosts}: comma list of host name globs and CIDR ranges ({@link HostPattern}); absent means any;</li>
 *   <li>{@code allowedProperties}: comma list of the properties a URL or {@code Properties} may set; absent means
 *       {@link Policy#DEFAULT_ALLOWED_PROPERTIES}; {@code user}, {@code password} and {@code realm} are always
 *       accepted;</li>
 *   <li>{@code awsProfile}, {@code awsRegion}, {@code awsEndpointUrl}, {@code connectionsTable} ({@code {realm}}
 *       stands for the realm), {@code connectionsFile}: fixed for every connect;</li>
 *   <li>{@code max.<property>} for each property in seconds ({@code max.recordTtl}, {@code max.maxStale},
 *       {@code max.awsApiCallTimeout}, ...): the most a URL may set, and the most the default may be;</li>
 *   <li>{@code minimumSslMode}: {@code sslmode} of every connect is at least this (a pgjdbc value, e.g.
 *       {@code verify-full});</li>
 *   <li>{@code terseErrors}: {@code true} or {@code false} (default);</li>
 *   <li>{@code allowedSecretPrefixes}: comma list of {@code secret_id} prefixes allowed besides
 *       {@code /lava/<realm>/}.</li>
 * </ul>
 * A file that is missing, not a regular file, larger than {@value #MAX_BYTES} bytes, not UTF-8, or holds an unknown
 * key or a bad value gives {@link Policy#broken}: every connect is refused, naming the file and, for a bad key or
 * value, its line. No message quotes the file's values, nor a key that is not one of the policy's own names.
 */
public final class PolicyFile {
    /** The system property naming the policy file. */
    public static final String SYSTEM_PROPERTY = "io.lava.jdbc.policy";
    /** The environment variable naming the policy file when the system property is unset. */
    public static final String ENVIRONMENT_VARIABLE = "LAVA_PG_POLICY";
    /** The largest policy file read, in bytes. */
    public static final int MAX_BYTES = 65_536;

    private static final Logger LOG = Logger.getLogger(PolicyFile.class.getName());
    private static final String MAX_PREFIX = "max.";
    private static final Set<String> KEYS = Set.of("allowedRealms", "allowedHosts", "allowedProperties",
            "minimumSslMode", "terseErrors", "allowedSecretPrefixes");

    private PolicyFile() {
    }

    /**
     * @param systemProperties system property lookup ({@code System::getProperty} in production)
     * @param env environment lookup ({@code System::getenv} in production)
     * @return the policy the operator named, {@link Policy#NONE} when neither names one; never throws
     */
    public static Policy fromEnvironment(UnaryOperator<String> systemProperties, UnaryOperator<String> env) {
        String named = systemProperties.apply(SYSTEM_PROPERTY);
        if (named == null || named.isBlank()) {
            named = env.apply(ENVIRONMENT_VARIABLE);
        }
        if (named == null || named.isBlank()) {
            return Policy.NONE;
        }
        return read(Path.of(named.trim()));
    }

    /**
     * @param file the policy file
     * @return the policy it holds, or a {@link Policy#broken} one naming what is wrong; never throws
     */
    public static Policy read(Path file) {
        String name = file.toString();
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                return broken(name, "is missing or not a regular file");
            }
            if (Files.size(file) > MAX_BYTES) {
                return broken(name, "is larger than " + MAX_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException | SecurityException e) {
            return broken(name, "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return broken(name, "is not UTF-8 text");
        }
        Properties entries = new Properties();
        try {
            entries.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            return broken(name, "is not in Java properties form (a malformed \\uXXXX escape)");
        }
        try {
            Policy policy = parse(name, sha256(bytes), entries);
            LOG.log(Level.INFO, "lava-pg: operator policy {0} in force (SHA-256 {1})",
                    new Object[] {name, policy.sha256()});
            return policy;
        } catch (BadEntry e) {
            String where = e.quotable ? "line " + lineOf(text, e.key) + ", key '" + e.key + "'"
                    : "line " + lineOf(text, e.key);
            return broken(name, "is invalid at " + where + ": " + e.getMessage());
        }
    }

    private static Policy parse(String name, String sha256, Properties entries) {
        Set<String> realms = null;
        List<HostPattern> hosts = null;
        Set<String> properties = Policy.DEFAULT_ALLOWED_PROPERTIES;
        Map<String, String> fixed = new HashMap<>();
        Map<LavaPgProperty, Duration> maxima = new HashMap<>();
        SslMode minimum = null;
        boolean terse = false;
        Set<String> secretPrefixes = Set.of();
        for (String key : entries.stringPropertyNames()) {
            String value = entries.getProperty(key).trim();
            switch (key) {
                case "allowedRealms" -> realms = Set.copyOf(list(key, value));
                case "allowedHosts" -> {
                    List<HostPattern> patterns = new ArrayList<>();
                    for (String item : list(key, value)) {
                        try {
                            patterns.add(HostPattern.parse(item));
                        } catch (IllegalArgumentException e) {
                            throw new BadEntry(key, "an entry is neither a host name glob nor a CIDR range");
                        }
                    }
                    hosts = List.copyOf(patterns);
                }
                case "allowedProperties" -> properties = Set.copyOf(list(key, value));
                case "minimumSslMode" -> {
                    minimum = SslMode.forName(value);
                    if (minimum == null) {
                        throw new BadEntry(key, "not one of " + SslMode.PGJDBC_VALUES);
                    }
                }
                case "terseErrors" -> {
                    if (!value.equals("true") && !value.equals("false")) {
                        throw new BadEntry(key, "not true or false");
                    }
                    terse = Boolean.parseBoolean(value);
                }
                case "allowedSecretPrefixes" -> secretPrefixes = Set.copyOf(list(key, value));
                default -> {
                    if (Policy.FIXABLE.contains(key)) {
                        if (value.isEmpty()) {
                            throw new BadEntry(key, "empty");
                        }
                        fixed.put(key, value);
                    } else if (key.startsWith(MAX_PREFIX)) {
                        LavaPgProperty property = LavaPgProperty.forName(key.substring(MAX_PREFIX.length()));
                        if (property == null || property.getType() != LavaPgProperty.Type.SECONDS) {
                            throw new BadEntry(key, "no driver property in seconds has that name");
                        }
                        if (!property.accepts(value)) {
                            throw new BadEntry(key, "not a number of seconds " + property.getName() + " accepts");
                        }
                        maxima.put(property, Duration.ofSeconds(Long.parseLong(value)));
                    } else {
                        throw new BadEntry(key, false, "not a policy key; known: " + known());
                    }
                }
            }
        }
        return new Policy(name, sha256, null, realms, hosts, properties, Map.copyOf(fixed), Map.copyOf(maxima),
                minimum, terse, secretPrefixes);
    }

    private static List<String> list(String key, String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        if (items.isEmpty()) {
            throw new BadEntry(key, "an empty list (leave the key out to allow any)");
        }
        return items;
    }

    private static String known() {
        Set<String> known = new TreeSet<>(KEYS);
        known.addAll(Policy.FIXABLE);
        return String.join(", ", known) + ", " + MAX_PREFIX + "<property in seconds>";
    }

    /** @return the 1-based line on which {@code key} is defined, or 0 when it cannot be told */
    static int lineOf(String text, String key) {
        Pattern definition = Pattern.compile("^[ \\t\\f]*" + Pattern.quote(key) + "(?:[=: \\t\\f]|$)",
                Pattern.MULTILINE);
        Matcher m = definition.matcher(text + "\n");
        int line = 0;
        while (m.find()) {
            line = 1 + (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count();
        }
        return line;
    }

    private static Policy broken(String name, String problem) {
        String message = "the operator policy " + name + " (named by -D" + SYSTEM_PROPERTY + " or "
                + ENVIRONMENT_VARIABLE + ") " + problem + ". Every connect is refused until it is fixed: ask the "
                + "operator of this process";
        LOG.log(Level.WARNING, "lava-pg: {0}", message);
        return Policy.broken(name, message);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A key whose value is wrong. */
    private static final class BadEntry extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String key;
        /** Whether the key is one of the policy's own names, which a message may quote; an unknown one is not. */
        private final boolean quotable;

        BadEntry(String key, String problem) {
            this(key, true, problem);
        }

        BadEntry(String key, boolean quotable, String problem) {
            super(problem, null, false, false);
            this.key = key;
            this.quotable = quotable;
        }
    }
}
