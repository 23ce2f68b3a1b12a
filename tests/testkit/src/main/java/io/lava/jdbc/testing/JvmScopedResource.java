package io.lava.jdbc.testing;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Holds one harness resource in the root {@link ExtensionContext.Store}, so that JUnit closes it
 * once, when the test plan has finished in this JVM. It is both an {@link AutoCloseable} (closed by
 * JUnit 5.13+) and a {@code CloseableResource} (closed by older JUnit or when closing stored
 * {@code AutoCloseable}s is disabled); JUnit calls exactly one of them.
 */
@SuppressWarnings({"deprecation", "try"})
final class JvmScopedResource<T extends AutoCloseable>
        implements AutoCloseable, ExtensionContext.Store.CloseableResource {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(JvmScopedResource.class);

    private final T resource;

    JvmScopedResource(T resource) {
        this.resource = resource;
    }

    /**
     * The JVM-wide instance of {@code type}, created with {@code starter} on first use. Thread-safe.
     */
    static <T extends AutoCloseable> T getOrStart(ExtensionContext context, Class<T> type, Supplier<T> starter) {
        JvmScopedResource<?> holder = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(type, key -> new JvmScopedResource<>(starter.get()), JvmScopedResource.class);
        return type.cast(holder.get());
    }

    /** The held resource. */
    T get() {
        return resource;
    }

    /** Closes the held resource. */
    @Override
    public void close() throws Exception {
        resource.close();
    }
}
