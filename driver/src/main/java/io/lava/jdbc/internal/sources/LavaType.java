package io.lava.jdbc.internal.sources;

import java.util.Arrays;
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

    /** @return the type with this lava name (exact, lower case as lava writes it), or {@code null} */
    public static LavaType forName(String name) {
        for (LavaType t : values()) {
            if (t.lavaName.equals(name)) {
                return t;
            }
        }
        return null;
    }
}
