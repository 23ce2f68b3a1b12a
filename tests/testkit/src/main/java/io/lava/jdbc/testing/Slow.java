package io.lava.jdbc.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class or method that takes more than about fifteen seconds (child JVMs per case, a Spark session, time-bound
 * soaks): tagged {@value #TAG}, left out of the quick loop ({@code -DexcludedGroups=slow}, CONTRIBUTING.md), always
 * part of {@code mvn -B verify}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(Slow.TAG)
public @interface Slow {
    /** The JUnit tag. */
    String TAG = "slow";
}
