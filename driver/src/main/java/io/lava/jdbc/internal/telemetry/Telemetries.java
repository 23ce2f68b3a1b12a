package io.lava.jdbc.internal.telemetry;

/**
 * Which {@link Telemetry} the driver uses: decided once per class loader of the driver, by whether the OpenTelemetry
 * API is there.
 */
public final class Telemetries {

    /** The name of the class whose presence turns the telemetry on (the OpenTelemetry API's entry point). */
    static final String API_CLASS = "io.opentelemetry.api.GlobalOpenTelemetry";

    private Telemetries() {
    }

    /** Decided when first asked ({@link #get()}). */
    private static final class Holder {
        static final Telemetry INSTANCE = choose(Telemetries.class.getClassLoader());
    }

    /**
     * @return the telemetry of this class loader: backed by the OpenTelemetry API when it can be loaded from the
     *     driver's class loader, else {@link Telemetry#OFF}; the same instance every time
     */
    public static Telemetry get() {
        return Holder.INSTANCE;
    }

    /**
     * @param loader the class loader the API is looked up in
     * @return {@link OpenTelemetryConnects} over the global OpenTelemetry when {@value #API_CLASS} can be loaded from
     *     {@code loader} (without initialising it), else {@link Telemetry#OFF}
     */
    static Telemetry choose(ClassLoader loader) {
        try {
            Class.forName(API_CLASS, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return Telemetry.OFF;
        }
        return OpenTelemetryConnects.global();
    }
}
