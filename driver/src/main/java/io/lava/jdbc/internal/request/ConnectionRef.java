package io.lava.jdbc.internal.request;

import io.lava.jdbc.LavaPgProperty;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * What a {@code jdbc:lava-pg:} URL asks for: a realm, a conn_id and the merged connection properties.
 *
 * <h2>Grammar</h2>
 * <pre>
 *   jdbc:lava-pg:[//]&lt;realm&gt;/&lt;conn_id&gt;[?key=value[&amp;key=value]...]
 *   jdbc:lava-pg:[//]&lt;conn_id&gt;[?key=value[&amp;key=value]...]     realm from the realm property, else LAVA_REALM
 * </pre>
 * With a {@code /} in the path, the first segment is the realm and everything after the first {@code /} is the
 * conn_id, slashes included: {@code jdbc:lava-pg:prod/db/psql/local} is realm {@code prod}, conn_id
 * {@code db/psql/local} (lava's conn_ids commonly hold {@code /}: its own fixtures use {@code test/db/psql/local};
 * {@code docs/lava.md}). {@code %2F} still decodes to {@code /}. A URL with a {@code /} therefore always names
 * its realm in the first segment, even when a {@code realm} property is set; a conn_id holding a {@code /} with the
 * realm from the property or {@code LAVA_REALM} must be written with {@code %2F}
 * ({@code jdbc:lava-pg:db%2Fpsql%2Flocal?realm=prod}). Empty segments ({@code acc//x}, a trailing {@code /}) are
 * malformed.
 *
 * <p>Each path segment, and query keys and values, are percent-decoded (UTF-8); in the query, {@code +} is a space,
 * as in pgjdbc. A realm may hold letters, digits, {@code _ . -} (it becomes part of a DynamoDB table name). URL query
 * parameters take precedence over {@link Properties} entries, as in pgjdbc.
 *
 * @param realm the lava realm, never blank
 * @param connId the conn_id, never blank
 * @param properties URL query merged over the caller's properties; immutable
 */
public record ConnectionRef(String realm, String connId, Map<String, String> properties) {

    /** The URL prefix this driver answers. */
    public static final String PREFIX = "jdbc:lava-pg:";

    private static final Pattern REALM = Pattern.compile("[A-Za-z0-9_.-]+");

    /**
     * @param url a JDBC URL, possibly {@code null}
     * @return whether the URL starts with {@link #PREFIX}
     */
    public static boolean accepts(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    /**
     * Parses a {@code jdbc:lava-pg:} URL.
     *
     * @param url a URL for which {@link #accepts} is true
     * @param info the caller's properties, possibly {@code null} (defaults chains are read)
     * @param env environment lookup ({@code System::getenv} in production)
     * @return the reference
     * @throws SourceException (SQLState 08001) when the URL is malformed or no realm can be found
     */
    public static ConnectionRef parse(String url, Properties info, UnaryOperator<String> env) {
        Properties merged = new Properties();
        if (info != null) {
            for (String key : info.stringPropertyNames()) {
                merged.setProperty(key, info.getProperty(key));
            }
        }
        String rest = url.substring(PREFIX.length());
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        if (q >= 0) {
            parseQuery(rest.substring(q + 1), merged);
        }
        if (path.startsWith("//")) {
            path = path.substring(2);
        }
        if (path.isEmpty()) {
            throw malformed("no conn_id after '" + PREFIX + "'");
        }
        String[] segments = path.split("/", -1);
        String realm;
        String connId;
        if (segments.length >= 2) {
            realm = decode(segments[0], false, "the realm");
            if (realm.isEmpty()) {
                throw malformed("empty realm before '/'");
            }
            StringBuilder joined = new StringBuilder();
            for (int i = 1; i < segments.length; i++) {
                String segment = decode(segments[i], false, "the conn_id");
                if (segment.isEmpty()) {
                    throw malformed(segments.length == 2 ? "empty conn_id"
                            : "empty segment in conn_id '" + path.substring(path.indexOf('/') + 1)
                            + "' (a conn_id may hold '/', but not '//' or a '/' at either end)");
                }
                if (i > 1) {
                    joined.append('/');
                }
                joined.append(segment);
            }
            connId = joined.toString();
        } else {
            connId = decode(segments[0], false, "the conn_id");
            realm = LavaPgProperty.REALM.get(merged);
            if (realm == null) {
                realm = blankToNull(env.apply("LAVA_REALM"));
            }
            if (realm == null) {
                throw new SourceException(Errors.UNABLE_TO_CONNECT, "no realm for conn_id '" + connId
                        + "'. Write the URL as " + PREFIX + "<realm>/<conn_id>, or set the 'realm' property or the "
                        + "LAVA_REALM environment variable");
            }
        }
        if (connId.isBlank()) {
            throw malformed("empty conn_id");
        }
        if (!REALM.matcher(realm).matches()) {
            throw malformed("realm '" + realm + "' may hold only letters, digits, '_', '.' and '-'");
        }
        Map<String, String> properties = new HashMap<>();
        for (String key : merged.stringPropertyNames()) {
            properties.put(key, merged.getProperty(key));
        }
        return new ConnectionRef(realm, connId, Map.copyOf(properties));
    }

    private static void parseQuery(String query, Properties into) {
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq), true, "a query parameter name");
            if (key.isEmpty()) {
                throw malformed("a query parameter has no name");
            }
            // The value is never echoed: it could be a password someone put in the URL.
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true, "the value of '" + key + "'");
            into.setProperty(key, value);
        }
    }

    private static String decode(String text, boolean plusIsSpace, String what) {
        try {
            return URLDecoder.decode(plusIsSpace ? text : text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed("bad percent-encoding in " + what + " (write '%' itself as %25)");
        }
    }

    private static SourceException malformed(String what) {
        return new SourceException(Errors.UNABLE_TO_CONNECT, "malformed URL: " + what + ". Fix the URL: "
                + PREFIX + "<realm>/<conn_id>[?key=value&...] or " + PREFIX + "<conn_id>[?...]");
    }

    public static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public String toString() {
        return "ConnectionRef[realm=" + realm + ", connId=" + connId + "]";
    }
}
