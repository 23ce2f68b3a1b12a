package io.lava.jdbc.internal.record;

import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which Secrets Manager secrets a realm's records may name: only those under {@code /lava/<realm>/}, as lava keeps
 * them and as the SSM parameter a record's {@code password} names must be (the resolver's parameter step). Checked
 * before any AWS call for the secret, so a record (or a records file a URL names) cannot make the process read a
 * secret of another realm or application with its own AWS identity.
 */
public final class RealmNames {
    /** The characters Secrets Manager allows in a secret's name; nothing decodes a {@code %}, so none is allowed. */
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]+");
    private static final Pattern OPERATOR_NAME = Pattern.compile("[A-Za-z0-9/_+=.@!-]+");

    private RealmNames() {
    }

    /**
     * Refuses a {@code secret_id} outside the realm. Allow-list: the secret's name (the {@code secret_id} itself, or
     * the name inside an ARN {@code arn:<partition>:secretsmanager:<region>:<account>:secret:<name>}, whose
     * {@code -XXXXXX} random suffix stays part of the last segment) must start with {@code /lava/<realm>/} (exact
     * case: Secrets Manager names are case-sensitive, and so is the realm) or with one of {@code extraPrefixes}, have
     * something after the prefix, hold only the characters Secrets Manager allows in a name
     * ({@code A-Z a-z 0-9 / _ + = . @ -}: no {@code %}, space or control character), and hold no empty, {@code .} or
     * {@code ..} path segment. The value is checked as it
     * is sent to Secrets Manager (the record's value; nothing decodes it on the way). The ARN's account and region are
     * not checked: the AWS identity's policy decides whether another account's secret may be read.
     *
     * @param realm the realm of the connect
     * @param secretId the record's {@code secret_id}
     * @param extraPrefixes further allowed name prefixes, from the operator's policy
     *     ({@code allowedSecretPrefixes}); empty
     *     by default
     * @throws SourceException (28000) naming the secret and the realm's prefix, and what to do
     */
    public static void checkSecretId(String realm, String secretId, Set<String> extraPrefixes) {
        String prefix = "/lava/" + realm + "/";
        String name = nameOf(secretId);
        if (name != null
                && (within(name, prefix) || extraPrefixes.stream().anyMatch(p -> underOperatorPrefix(name, p)))) {
            return;
        }
        throw new SourceException(Errors.INVALID_AUTHORIZATION, "secret '" + secretId + "' is outside " + prefix
                + "; lava reads secrets only from names under its realm. Store the secret under " + prefix
                + " and put that name (or its ARN) in the record's 'secret_id' field");
    }

    /** @return the secret's name: {@code secretId}, or the part after {@code :secret:} of an ARN; {@code null} for a malformed ARN */
    static String nameOf(String secretId) {
        if (!secretId.startsWith("arn:")) {
            return secretId;
        }
        String[] parts = secretId.split(":", 7);
        if (parts.length != 7 || !parts[2].equals("secretsmanager") || !parts[5].equals("secret")) {
            return null;
        }
        return parts[6];
    }

    /**
     * An operator's prefix ({@code allowedSecretPrefixes}) is any text, such as {@code rds!} for the secrets RDS
     * manages ({@code rds!cluster-...}, {@code rds!db-...}): the name must start with it, hold more, use only the
     * characters Secrets Manager names hold ({@code !} included, which RDS-managed names use) and have no {@code .}
     * or {@code ..} path segment.
     */
    private static boolean underOperatorPrefix(String name, String prefix) {
        if (prefix.isEmpty() || !name.startsWith(prefix) || name.length() == prefix.length()
                || !OPERATOR_NAME.matcher(name).matches()) {
            return false;
        }
        for (String segment : name.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static boolean within(String name, String prefix) {
        if (!prefix.startsWith("/") || !prefix.endsWith("/") || !SECRET_NAME.matcher(name).matches()
                || !name.startsWith(prefix)
                || name.length() == prefix.length()) {
            return false;
        }
        for (String segment : name.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
