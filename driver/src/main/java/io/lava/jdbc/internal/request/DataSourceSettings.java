package io.lava.jdbc.internal.request;

import io.lava.jdbc.LavaPgProperty;
import io.lava.jdbc.internal.Errors.Step;
import io.lava.jdbc.internal.Errors;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.postgresql.PGProperty;

/**
 * The settings of a {@link io.lava.jdbc.LavaPgDataSource} (name to string value) and how they become what
 * {@link io.lava.jdbc.LavaPgDriver#connect} takes: a {@code jdbc:lava-pg:} URL and {@link Properties}. Also their validation from
 * strings (JNDI: types and ranges from {@link LavaPgProperty}) and their masked description ({@code toString}).
 */
final public class DataSourceSettings {
    public static final String URL = "url";
    public static final String CONN_ID = "connId";
    public static final String PG_PROPERTIES = "pgProperties";
    public static final String LOGIN_TIMEOUT = PGProperty.LOGIN_TIMEOUT.getName();
    public static final String REALM = LavaPgProperty.REALM.getName();

    /** The pgjdbc properties whose setter takes an {@code int}. */
    private static final Set<String> PGJDBC_INTS = pgjdbc(PGProperty.CONNECT_TIMEOUT, PGProperty.SOCKET_TIMEOUT,
            PGProperty.LOGIN_TIMEOUT, PGProperty.DEFAULT_ROW_FETCH_SIZE, PGProperty.PREPARE_THRESHOLD);
    /** Settings whose setter takes a {@code boolean}: pgjdbc's. */
    public static final Set<String> BOOLEANS = pgjdbc(PGProperty.TCP_KEEP_ALIVE, PGProperty.REWRITE_BATCHED_INSERTS);
    /** The pgjdbc properties that have their own setter. */
    public static final Set<String> PGJDBC = union(pgjdbc(PGProperty.APPLICATION_NAME, PGProperty.SSL_MODE,
            PGProperty.SSL_ROOT_CERT, PGProperty.OPTIONS, PGProperty.CURRENT_SCHEMA), PGJDBC_INTS, BOOLEANS);
    /** Settings whose setter takes an {@code int}: the driver's numbers (by {@link LavaPgProperty#getType()}), pgjdbc's. */
    public static final Set<String> INTS = union(ours(p -> p.getType() != LavaPgProperty.Type.STRING), PGJDBC_INTS);
    /** Every setting: {@code url}, {@code connId}, {@code pgProperties}, the {@link LavaPgProperty} names, pgjdbc's. */
    public static final Set<String> ALL = union(Set.of(URL, CONN_ID, PG_PROPERTIES), ours(p -> true), PGJDBC);

    private DataSourceSettings() {
    }

    private static Set<String> pgjdbc(PGProperty... properties) {
        return Arrays.stream(properties).map(PGProperty::getName).collect(Collectors.toUnmodifiableSet());
    }

    private static Set<String> ours(Predicate<LavaPgProperty> filter) {
        return Arrays.stream(LavaPgProperty.values()).filter(filter).map(LavaPgProperty::getName)
                .collect(Collectors.toUnmodifiableSet());
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        return Arrays.stream(sets).flatMap(Set::stream).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The driver URL: {@code url} as set, or {@code jdbc:lava-pg:<connId>} with the conn_id percent-encoded (the realm
     * travels as the {@code realm} property, so the driver's realm rules apply unchanged).
     *
     * @throws SQLException (08001) when neither or both of {@code url} and {@code connId} are set, or {@code url} is
     *     not a {@code jdbc:lava-pg:} URL
     */
    public static String url(Map<String, String> settings) throws SQLException {
        String url = settings.get(URL);
        String connId = settings.get(CONN_ID);
        String realm = settings.get(REALM);
        if (url != null && connId != null) {
            throw Errors.at(realm, connId, Step.URL, Errors.UNABLE_TO_CONNECT, "both url and connId are set. Set "
                    + "either url (" + ConnectionRef.PREFIX + "...) or connId (with realm)", null);
        }
        if (url != null) {
            if (!ConnectionRef.accepts(url)) {
                throw Errors.at(realm, null, Step.URL, Errors.UNABLE_TO_CONNECT, "url does not start with '"
                        + ConnectionRef.PREFIX + "'. Set a " + ConnectionRef.PREFIX + " URL, or realm and connId",
                        null);
            }
            return url;
        }
        if (connId == null) {
            throw Errors.at(realm, null, Step.URL, Errors.UNABLE_TO_CONNECT, "no connection set. Set connId (and "
                    + "realm, else LAVA_REALM is used), or url (" + ConnectionRef.PREFIX + "<realm>/<conn_id>)", null);
        }
        return ConnectionRef.PREFIX + URLEncoder.encode(connId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The driver properties: {@code pgProperties} decoded, then every other setting but {@code url}/{@code connId}. */
    public static Properties properties(Map<String, String> settings) {
        Properties properties = new Properties();
        String bag = settings.get(PG_PROPERTIES);
        if (bag != null) {
            decodePgProperties(bag).forEach(properties::setProperty);
        }
        settings.forEach((name, value) -> {
            if (!name.equals(URL) && !name.equals(CONN_ID) && !name.equals(PG_PROPERTIES)) {
                properties.setProperty(name, value);
            }
        });
        return properties;
    }

    /**
     * Decodes {@code key=value&key=value} as the driver decodes a URL query: UTF-8 percent-encoding, {@code +} is a
     * space, an empty value when there is no {@code =}.
     *
     * @throws IllegalArgumentException naming the key (never the value) on bad percent-encoding or an empty key
     */
    public static Map<String, String> decodePgProperties(String text) {
        Map<String, String> decoded = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq), "a key").trim();
            if (key.isEmpty()) {
                throw new IllegalArgumentException("pgProperties: an entry has no key (expected key=value&key=value)");
            }
            decoded.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1), "the value of '" + key + "'"));
        }
        return decoded;
    }

    private static String decode(String text, String what) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pgProperties: bad percent-encoding in " + what
                    + " (write '%' itself as %25)");
        }
    }

    /**
     * Checks a setting given as a string (a JNDI reference address): a driver property against its
     * {@link LavaPgProperty} type and range, a pgjdbc one against its setter's type.
     *
     * @throws IllegalArgumentException when {@code name} is not a setting, or a non-blank value is not allowed; the
     *     message names the setting, what it takes, the value and the default
     */
    public static void validate(String name, String value) {
        if (!ALL.contains(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a LavaPgDataSource setting; known: "
                    + String.join(", ", new TreeSet<>(ALL)));
        }
        String v = value == null ? "" : value.trim();
        if (v.isEmpty()) {
            return;
        }
        LavaPgProperty ours = LavaPgProperty.forName(name);
        if (ours != null) {
            if (!ours.accepts(v)) {
                throw new IllegalArgumentException("'" + name + "' must be " + ours.getAllowed() + ", not '" + v + "'"
                        + (ours.getDefaultValue() == null ? "" : " (default " + ours.getDefaultValue() + ")"));
            }
        } else if (INTS.contains(name)) {
            try {
                Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + name + "' must be a whole number, not '" + v + "'");
            }
        } else if (BOOLEANS.contains(name) && !v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("'" + name + "' must be true or false, not '" + v + "'");
        } else if (name.equals(PG_PROPERTIES)) {
            decodePgProperties(v);
        }
    }

    /**
     * @return {@code LavaPgDataSource[realm=.., connId=.., url=.., <others sorted>]}; the value of every
     *     password-like key inside {@code url} and {@code pgProperties} is replaced by {@code ***}
     */
    public static String describe(Map<String, String> settings) {
        StringJoiner out = new StringJoiner(", ", "LavaPgDataSource[", "]");
        for (String first : new String[] {REALM, CONN_ID, URL}) {
            if (settings.containsKey(first)) {
                out.add(first + "=" + masked(first, settings.get(first)));
            }
        }
        new TreeMap<>(settings).forEach((name, value) -> {
            if (!name.equals(REALM) && !name.equals(CONN_ID) && !name.equals(URL)) {
                out.add(name + "=" + masked(name, value));
            }
        });
        return out.toString();
    }

    private static String masked(String name, String value) {
        int q = value.indexOf('?');
        if (name.equals(URL) && q >= 0) {
            return value.substring(0, q + 1) + maskQuery(value.substring(q + 1));
        }
        return name.equals(PG_PROPERTIES) ? maskQuery(value) : value;
    }

    /** Replaces the value of every {@code key=value} whose key mentions "password" (sslpassword included). */
    private static String maskQuery(String query) {
        StringJoiner out = new StringJoiner("&");
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String decoded;
            try {
                decoded = URLDecoder.decode(key, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                decoded = key;
            }
            out.add(eq >= 0 && decoded.toLowerCase(Locale.ROOT).contains("password") ? key + "=***" : pair);
        }
        return out.toString();
    }
}
