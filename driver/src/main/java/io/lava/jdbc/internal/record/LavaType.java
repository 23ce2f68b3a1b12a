package io.lava.jdbc.internal.record;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The lava connection types this driver handles (lava's {@code postgres} and {@code postgres-aurora} connector pages);
 * every other lava type is refused.
 */
public enum LavaType {
    POSTGRES("postgres", false),
    PSQL("psql", false),
    POSTGRESQL("postgresql", false),
    POSTGRES_AURORA("postgres-aurora", true),
    POSTGRES_RDS("postgres-rds", true);

    /** The accepted names, for error messages: {@code postgres, psql, ...}. */
    public static final String ACCEPTED = Arrays.stream(values()).map(t -> t.lavaName)
            .collect(Collectors.joining(", "));

    public final String lavaName;
    /** Whether a record without a password authenticates with an RDS IAM token. */
    public final boolean iamCapable;

    LavaType(String lavaName, boolean iamCapable) {
        this.lavaName = lavaName;
        this.iamCapable = iamCapable;
    }

    /**
     * Looks a record's {@code type} up as lava does: lava 8.3 lowercases the type before comparing
     * ({@code lava/connection/core.py}; {@code docs/lava.md}, "Types handled by this driver"), so
     * {@code Postgres} and {@code POSTGRES-AURORA} are accepted. Surrounding spaces are not trimmed (lava does not).
     *
     * @param name the record's {@code type}, possibly {@code null}
     * @return the type whose lava name equals {@code name} ignoring case (in the root locale), or {@code null}
     */
    public static LavaType forName(String name) {
        if (name == null) {
            return null;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (LavaType t : values()) {
            if (t.lavaName.equals(lower)) {
                return t;
            }
        }
        return null;
    }
}
