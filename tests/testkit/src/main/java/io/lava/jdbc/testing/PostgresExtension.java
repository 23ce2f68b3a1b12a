package io.lava.jdbc.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects a {@link LocalPostgres} into test methods, constructors and
 * lifecycle methods ({@code @BeforeAll} included). One server is started per test JVM, on first
 * use, and stopped when all tests of the JVM have run.
 *
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)
 * class MyIT {
 *   @Test
 *   void works(LocalPostgres pg) throws Exception { ... }
 * }
 * }</pre>
 */
public final class PostgresExtension implements ParameterResolver {

    /** Creates the extension; JUnit does this for {@code @ExtendWith}. */
    public PostgresExtension() {}

    /**
     * Supports parameters of type {@link LocalPostgres}.
     *
     * @param parameterContext the parameter to resolve
     * @param extensionContext the current extension context
     * @return whether the parameter is a {@link LocalPostgres}
     */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalPostgres.class;
    }

    /**
     * Returns the JVM-wide server, starting it on first use.
     *
     * @param parameterContext the parameter to resolve
     * @param extensionContext the current extension context
     * @return the shared {@link LocalPostgres}
     */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return JvmScopedResource.getOrStart(extensionContext, LocalPostgres.class, LocalPostgres::start);
    }
}
