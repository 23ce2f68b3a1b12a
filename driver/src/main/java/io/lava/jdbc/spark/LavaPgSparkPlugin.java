package io.lava.jdbc.spark;

import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Spark plugin that registers {@link LavaPgDialect} in the driver and in every executor, with no code in the
 * application: {@code --conf spark.plugins=io.lava.jdbc.spark.LavaPgSparkPlugin}, with the driver's {@code -all} jar on the
 * class path ({@code --jars lava-pg-jdbc-<version>-all.jar}).
 *
 * <p>{@link LavaPgDialect#register()} in the application's {@code main} registers the dialect in the driver JVM only.
 * That suffices in {@code local[*]} mode, but on a cluster each executor looks the dialect up by URL when it fetches
 * rows, and would otherwise use Spark's generic dialect there (for example, PostgreSQL's {@code beforeFetch}, which
 * makes {@code fetchsize} take effect, would not run). Spark creates this plugin in the driver and in each executor
 * as they start, before any task runs ({@code org.apache.spark.internal.plugin.PluginContainer}; Spark 3.0 and
 * later, the same API in 3.5 and 4.x). Stateless; the registration is idempotent.
 */
public final class LavaPgSparkPlugin implements SparkPlugin {

    /** Creates the plugin; Spark does this for each entry of {@code spark.plugins}. */
    public LavaPgSparkPlugin() {
    }

    /** @return a driver plugin whose {@code init} registers the dialect and sends executors no settings */
    @Override
    public DriverPlugin driverPlugin() {
        return new DriverPlugin() {
            @Override
            public Map<String, String> init(SparkContext sc, PluginContext pluginContext) {
                LavaPgDialect.register();
                return Map.of();
            }
        };
    }

    /** @return an executor plugin whose {@code init} registers the dialect */
    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            @Override
            public void init(PluginContext ctx, Map<String, String> extraConf) {
                LavaPgDialect.register();
            }
        };
    }
}
