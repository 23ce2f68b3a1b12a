package io.lava.jdbc.testing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secret values handed out in this JVM: every password {@link LocalPostgres} gives a role, every SSM value and
 * secret {@link LocalAws} serves, and whatever a test adds through {@link SecretLeakGuard#secret(String)}. A plain
 * registry with no logging or JUnit side effects, so programs that use the harness outside tests (the quickstart, the
 * benchmarks) run unchanged; {@link SecretLeakGuard} checks captured log lines against it.
 */
public final class TestSecrets {
    private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();

    private TestSecrets() {}

    /**
     * Registers a value that must never appear in a log line; a {@code null} or blank value, which no search could
     * tell apart from any line, is ignored.
     *
     * @param value a password, token or secret JSON
     * @return {@code value}, for inline use
     */
    public static String register(String value) {
        if (value != null && !value.isBlank()) {
            VALUES.add(value);
        }
        return value;
    }

    /** @return a copy of the registered values */
    public static Set<String> all() {
        return Set.copyOf(VALUES);
    }
}
