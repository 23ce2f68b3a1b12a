package io.lava.jdbc.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects a {@link LocalAws} into test methods, constructors and lifecycle
 * methods ({@code @BeforeAll} included). One instance is started per test JVM, on first use, and
 * stopped when all tests of the JVM have run. Tests share its tables, parameters and secrets, so
 * use distinct names per test.
 */
public final class AwsExtension implements ParameterResolver {

    /** Creates the extension; JUnit does this for {@code @ExtendWith}. */
    public AwsExtension() {}

    /**
     * Supports parameters of type {@link LocalAws}.
     *
     * @param parameterContext the parameter to resolve
     * @param extensionContext the current extension context
     * @return whether the parameter is a {@link LocalAws}
     */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalAws.class;
    }

    /**
     * Returns the JVM-wide instance, starting it on first use.
     *
     * @param parameterContext the parameter to resolve
     * @param extensionContext the current extension context
     * @return the shared {@link LocalAws}
     */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return JvmScopedResource.getOrStart(extensionContext, LocalAws.class, LocalAws::start);
    }
}
