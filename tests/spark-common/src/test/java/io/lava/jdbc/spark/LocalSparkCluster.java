package io.lava.jdbc.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark of the Spark tests: {@code local-cluster[2,1,1024]}, a master and two workers in the test JVM and each task
 * in one of two executor JVMs, with the driver's plugin, the harness's static AWS credentials in the executors and
 * everything on the loopback. {@link #start} returns once both executors have registered, told by a listener Spark
 * builds when its context starts ({@code spark.extraListeners}), so nothing polls.
 */
final class LocalSparkCluster implements AutoCloseable {
    static final int EXECUTORS = 2;
    private static volatile CountDownLatch executorsUp = new CountDownLatch(EXECUTORS);

    private final SparkSession spark;
    private final String previousTesting;

    private LocalSparkCluster(SparkSession spark, String previousTesting) {
        this.spark = spark;
        this.previousTesting = previousTesting;
    }

    /** Counts the executors Spark registers; built by Spark from {@code spark.extraListeners}. */
    public static final class ExecutorsUp extends SparkListener {
        @Override
        public void onExecutorAdded(SparkListenerExecutorAdded added) {
            executorsUp.countDown();
        }
    }

    /**
     * @param appName the application's name
     * @param extra settings besides the shared ones (e.g. the executors' JVM options)
     * @return the running cluster, both executors registered (at most 90 s)
     */
    static LocalSparkCluster start(String appName, Map<String, String> extra) throws Exception {
        Files.createDirectories(Path.of(System.getProperty("spark.test.home")));
        String previousTesting = System.setProperty("spark.testing", "true");
        executorsUp = new CountDownLatch(EXECUTORS);
        SparkSession.Builder builder = SparkSession.builder()
                .master("local-cluster[" + EXECUTORS + ",1,1024]")
                .appName(appName)
                .config("spark.plugins", LavaPgSparkPlugin.class.getName())
                .config("spark.extraListeners", ExecutorsUp.class.getName())
                .config("spark.executor.memory", "512m")
                .config("spark.executor.cores", "1")
                .config("spark.task.maxFailures", "1")
                .config("spark.executorEnv.AWS_ACCESS_KEY_ID", "AKIDLAVATEST")
                .config("spark.executorEnv.AWS_SECRET_ACCESS_KEY", "lava-test-secret-key")
                .config("spark.executorEnv.AWS_EC2_METADATA_DISABLED", "true")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1");
        extra.forEach(builder::config);
        LocalSparkCluster cluster = new LocalSparkCluster(builder.getOrCreate(), previousTesting);
        assertThat(executorsUp.await(90, TimeUnit.SECONDS)).as("%d executors registered within 90 s", EXECUTORS)
                .isTrue();
        return cluster;
    }

    SparkSession session() {
        return spark;
    }

    @Override
    public void close() {
        spark.stop();
        if (previousTesting == null) {
            System.clearProperty("spark.testing");
        } else {
            System.setProperty("spark.testing", previousTesting);
        }
    }
}
