package io.lava.jdbc.examples.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark job that copies one PostgreSQL table into another through a {@code jdbc:lava-pg:} URL: the connection
 * details and credentials come from the lava connection record, the job names only the URL and the tables.
 *
 * <p>Run it with the driver's drop-in jar and its Spark plugin, nothing else:
 * <pre>
 * spark-submit --jars lava-pg-jdbc-&lt;version&gt;-all.jar \
 *   --conf spark.plugins=io.lava.jdbc.spark.LavaPgSparkPlugin \
 *   --class io.lava.jdbc.examples.spark.CopyTable lava-pg-jdbc-example-spark-&lt;version&gt;.jar \
 *   jdbc:lava-pg:prod/warehouse public.events public.events_copy
 * </pre>
 * The plugin registers the driver's Spark dialect ({@code io.lava.jdbc.spark.LavaPgDialect}) in the Spark driver and
 * in every executor, so {@code uuid}, {@code jsonb} and array columns read as they do through {@code jdbc:postgresql:},
 * and {@code fetchsize} streams. The target table must exist; {@code stringtype=unspecified} lets PostgreSQL cast the
 * strings Spark writes into its {@code uuid} and {@code jsonb} columns.
 */
public final class CopyTable {
    /** The driver class, which Spark's JDBC source is told explicitly, as Spark's documentation advises. */
    static final String DRIVER = "io.lava.jdbc.LavaPgDriver";

    private CopyTable() {
    }

    /**
     * Copies {@code args[1]} into {@code args[2]} through the URL {@code args[0]}, then stops the SparkSession.
     *
     * @param args the {@code jdbc:lava-pg:} URL, the source table, the target table
     */
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: CopyTable <jdbc:lava-pg: URL> <source table> <target table>");
            System.exit(2);
        }
        SparkSession spark = SparkSession.builder().appName("lava-pg-jdbc copy table").getOrCreate();
        try {
            long rows = copy(spark, args[0], args[1], args[2]);
            System.out.println("copied " + rows + " rows from " + args[1] + " to " + args[2]);
        } finally {
            spark.stop();
        }
    }

    /**
     * Appends every row of {@code source} to {@code target}.
     *
     * @param spark the session
     * @param url a {@code jdbc:lava-pg:} URL
     * @param source the table read, in 1000-row fetches
     * @param target an existing table with the same columns
     * @return the number of rows read
     */
    static long copy(SparkSession spark, String url, String source, String target) {
        Dataset<Row> rows = spark.read().format("jdbc")
                .option("url", url)
                .option("driver", DRIVER)
                .option("dbtable", source)
                .option("fetchsize", "1000")
                .load()
                .cache();
        rows.write().format("jdbc")
                .mode(SaveMode.Append)
                .option("url", url)
                .option("driver", DRIVER)
                .option("dbtable", target)
                .option("stringtype", "unspecified")
                .save();
        long count = rows.count();
        rows.unpersist();
        return count;
    }
}
