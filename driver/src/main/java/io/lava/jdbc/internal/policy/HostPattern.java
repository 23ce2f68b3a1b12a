package io.lava.jdbc.internal.policy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * One entry of a policy's {@code allowedHosts}: a host name glob ({@code db.example.com}, {@code *.rds.amazonaws.com})
 * or a CIDR range ({@code 10.0.0.0/8}, {@code fd00::/8}); an IP address alone is the range of that one address. A name matches a glob ignoring case, a trailing dot dropped;
 * {@code *} stands for one or more characters of a host name (letters, digits, {@code -} and {@code .}), so
 * {@code *.example.com} matches {@code a.example.com} and {@code a.b.example.com} but not {@code example.com}. An IP
 * literal (strict dotted quad, or IPv6 in or out of brackets) matches a range that holds it; it never matches a glob,
 * and a name never matches a range. Host names are matched as written in the record or the URL, before any DNS lookup.
 */
final class HostPattern {
    private static final Pattern DOTTED_QUAD =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
    private static final Pattern GLOB = Pattern.compile("[a-z0-9*]([a-z0-9.*-]*[a-z0-9*])?");

    private final String text;
    private final Pattern glob;
    private final byte[] network;
    private final int prefix;

    private HostPattern(String text, Pattern glob, byte[] network, int prefix) {
        this.text = text;
        this.glob = glob;
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * @param text a glob or a CIDR range
     * @return the pattern
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    static HostPattern parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int slash = t.indexOf('/');
        if (slash >= 0) {
            byte[] address = literal(t.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("'" + text + "' is not a CIDR range (an IP address, '/', a prefix "
                        + "length)");
            }
            int bits;
            try {
                bits = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > address.length * 8) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0-" + address.length * 8);
            }
            return new HostPattern(t, null, address, bits);
        }
        byte[] single = literal(t);
        if (single != null) {
            return new HostPattern(t, null, single, single.length * 8);
        }
        if (!GLOB.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + text + "' is neither a host name glob (letters, digits, '-', "
                    + "'.', '*') nor a CIDR range");
        }
        StringJoiner regex = new StringJoiner("[a-z0-9.-]+");
        for (String part : t.split("\\*", -1)) {
            regex.add(part.isEmpty() ? "" : Pattern.quote(part));
        }
        return new HostPattern(t, Pattern.compile(regex.toString()), null, 0);
    }

    /**
     * @param host a host as the record or URL gives it
     * @return whether it matches
     */
    boolean matches(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        byte[] address = literal(h);
        if (glob != null) {
            return address == null && HOST_NAME.matcher(h).matches() && glob.matcher(h).matches();
        }
        if (address == null || address.length != network.length) {
            return false;
        }
        BigInteger mask = prefix == 0 ? BigInteger.ZERO
                : BigInteger.ONE.shiftLeft(prefix).subtract(BigInteger.ONE).shiftLeft(address.length * 8 - prefix);
        return new BigInteger(1, address).and(mask).equals(new BigInteger(1, network).and(mask));
    }

    /** @return the address of a strict IP literal (no DNS lookup), or {@code null} for anything else */
    static byte[] literal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            if (DOTTED_QUAD.matcher(h).matches()) {
                return InetAddress.getByName(h).getAddress();
            }
            if (h.indexOf(':') >= 0 && h.matches("[0-9a-f:.]+")) {
                // a literal with ':' is parsed, never looked up
                return InetAddress.getByName("[" + h + "]").getAddress();
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }

    @Override
    public String toString() {
        return text;
    }
}
