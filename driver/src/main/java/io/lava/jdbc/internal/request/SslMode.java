package io.lava.jdbc.internal.request;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * pgjdbc's {@code sslmode} values, weakest first, so that "stricter" is a comparison. lava's {@code ssl_mode} field
 * accepts only {@link #REQUIRE}, {@link #VERIFY_CA} and {@link #VERIFY_FULL} (lava 8.3).
 */
public enum SslMode {
    DISABLE, ALLOW, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

    /** The values lava's {@code ssl_mode} accepts, for messages. */
    public static final String LAVA_VALUES = "require, verify-ca, verify-full";
    /** The values pgjdbc's {@code sslmode} accepts, for messages. */
    public static final String PGJDBC_VALUES = Arrays.stream(values()).map(SslMode::pgName)
            .collect(Collectors.joining(", "));

    /** @return the name as pgjdbc and lava write it, e.g. {@code verify-full} */
    public String pgName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @return the mode named {@code value} (pgjdbc spelling, case-insensitive), or {@code null} */
    public static SslMode forName(String value) {
        for (SslMode mode : values()) {
            if (mode.pgName().equalsIgnoreCase(value.trim())) {
                return mode;
            }
        }
        return null;
    }

    /** @return the stricter of two modes; {@code null} counts as "not set" */
    public static SslMode stricter(SslMode a, SslMode b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) >= 0 ? a : b;
    }
}
