package io.lava.jdbc.internal.aws;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the AWS region out of an RDS endpoint name (AWS RDS docs, "Endpoints"):
 * <ul>
 *   <li>{@code <name>.<id>.<region>.rds.amazonaws.com} (instances, clusters, {@code cluster-ro-}, proxies)</li>
 *   <li>{@code <name>.<id>.rds.<region>.amazonaws.com.cn} (China regions)</li>
 * </ul>
 * Any other name (an IP address, custom DNS, a tunnel) yields {@code null}, and the caller falls back to the SDK's
 * default region chain.
 */
final public class RdsRegions {
    private static final Pattern STANDARD =
            Pattern.compile("^[^.]+\\.[^.]+\\.([a-z]{2}(?:-[a-z]+)+-\\d+)\\.rds\\.amazonaws\\.com\\.?$");
    private static final Pattern CHINA =
            Pattern.compile("^[^.]+\\.[^.]+\\.rds\\.(cn-[a-z]+-\\d+)\\.amazonaws\\.com\\.cn\\.?$");

    private RdsRegions() {
    }

    /**
     * @param host a host name, any case
     * @return the region id such as {@code eu-west-1}, or {@code null} when the name is not an RDS endpoint
     */
    public static String fromHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        Matcher m = STANDARD.matcher(h);
        if (m.matches()) {
            return m.group(1);
        }
        m = CHINA.matcher(h);
        return m.matches() ? m.group(1) : null;
    }
}
