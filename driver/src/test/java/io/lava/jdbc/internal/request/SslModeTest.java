package io.lava.jdbc.internal.request;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** pgjdbc's {@code sslmode} spellings and which of two modes is the stricter. */
class SslModeTest {

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', textBlock = """
            disable        | DISABLE
            allow          | ALLOW
            prefer         | PREFER
            require        | REQUIRE
            verify-ca      | VERIFY_CA
            verify-full    | VERIFY_FULL
            VERIFY-FULL    | VERIFY_FULL
            Require        | REQUIRE
            ' verify-ca '  | VERIFY_CA
            verify_full    |
            verify-fully   |
            full           |
            ''             |
            """)
    void namesAsPgjdbcSpellsThemIgnoringCaseAndSpaces(String value, SslMode expected) {
        assertThat(SslMode.forName(value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(SslMode.class)
    void eachModeIsFoundByItsOwnName(SslMode mode) {
        assertThat(SslMode.forName(mode.pgName())).isSameAs(mode);
        assertThat(mode.pgName()).doesNotContain("_").isLowerCase();
    }

    @Test
    void messagesListEveryPgjdbcValueWeakestFirst() {
        assertThat(SslMode.PGJDBC_VALUES).isEqualTo("disable, allow, prefer, require, verify-ca, verify-full");
        assertThat(SslMode.LAVA_VALUES).isEqualTo("require, verify-ca, verify-full");
    }

    @ParameterizedTest(name = "{0} and {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            REQUIRE     | VERIFY_FULL | VERIFY_FULL
            VERIFY_FULL | REQUIRE     | VERIFY_FULL
            VERIFY_CA   | VERIFY_CA   | VERIFY_CA
            DISABLE     | ALLOW       | ALLOW
            PREFER      | DISABLE     | PREFER
                        | REQUIRE     | REQUIRE
            VERIFY_CA   |             | VERIFY_CA
                        |             |
            """)
    void stricterOfTwoModesAndNullIsNotSet(SslMode a, SslMode b, SslMode stricter) {
        assertThat(SslMode.stricter(a, b)).isEqualTo(stricter);
    }

    @Test
    void anEqualModeIsTheFirstOne() {
        assertThat(SslMode.stricter(SslMode.REQUIRE, SslMode.REQUIRE)).isSameAs(SslMode.REQUIRE);
    }
}
