package io.lava.jdbc.spark;

import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.execution.datasources.jdbc.JDBCOptions;
import org.apache.spark.sql.execution.datasources.v2.TableSampleInfo;
import org.apache.spark.sql.jdbc.JdbcDialect;
import org.apache.spark.sql.jdbc.JdbcDialects;
import org.apache.spark.sql.jdbc.JdbcType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MetadataBuilder;
import scala.Option;
import scala.collection.immutable.Map;

/**
 * Spark {@link JdbcDialect} for {@code jdbc:lava-pg:} URLs: Spark's PostgreSQL dialect under the driver's URL prefix.
 *
 * <p>Spark chooses a dialect by URL ({@link JdbcDialects#get(String)}); its PostgreSQL dialect answers only
 * {@code jdbc:postgresql} URLs, so a {@code jdbc:lava-pg:} URL would get Spark's generic dialect: reading a
 * {@code uuid} or {@code jsonb} column fails ({@code [UNRECOGNIZED_SQL_TYPE] Unrecognized SQL type - name: uuid}),
 * arrays neither read nor write, and {@code fetchsize} does not stream. This dialect {@link #canHandle claims} the
 * URLs that start with {@code jdbc:lava-pg:} and answers the rest as the dialect Spark has for
 * {@code jdbc:postgresql:} does; the connection behind the URL is pgjdbc's own, so the two behave the same.
 *
 * <p>How it delegates, and why one class serves Spark 3.5 (Scala 2.12 and 2.13) and Spark 4: every method that
 * Spark's {@code PostgresDialect} overrides, in 3.5 or in 4.x, is overridden here and passed to that dialect (type
 * mappings both ways, truncate, {@code beforeFetch} (autocommit off when {@code fetchsize} is set, so pgjdbc streams
 * with a cursor), push-down of functions, limits, offsets, joins and samples, index DDL, error classification,
 * timestamp and date conversion). Every other method is {@link JdbcDialect}'s own, as it is for
 * {@code PostgresDialect} itself (quoting, {@code CREATE TABLE}, schema queries ...). The overridden methods name
 * only JDK types, Spark types present in both lines, {@code scala.Option} and {@code scala.collection.immutable.Map},
 * which have the same binary names in Scala 2.12 and 2.13; none names {@code scala.collection.Seq}, whose binary name
 * differs ({@code functions()} and {@code alterTable} are not overridden: PostgresDialect keeps JdbcDialect's). The
 * class compiles against Spark 4; the methods only Spark 4 has are never called by Spark 3.5, and the methods Spark
 * 4 still has but its PostgresDialect no longer overrides ({@code beforeFetch(Connection, Map)},
 * {@code classifyException(String, Throwable)}, {@code getTableSample}) pass to its inherited answers.
 *
 * <p>Registered once per JVM by {@link LavaPgSparkPlugin} ({@code spark.plugins=io.lava.jdbc.spark.LavaPgSparkPlugin})
 * in the Spark driver and in every executor, or by {@link #register()} in the application. Needs Spark on the class
 * path; no other class of this driver refers to it. The PostgreSQL dialect is looked up on first use and kept. One
 * instance per JVM: deserializing this dialect (Spark ships it to executors inside write tasks) yields that instance.
 * Thread-safe.
 */
public final class LavaPgDialect extends JdbcDialect {
    private static final long serialVersionUID = 1L;

    /** The URL prefix this dialect claims, the same as {@link io.lava.jdbc.LavaPgDriver#acceptsURL}'s. */
    public static final String URL_PREFIX = "jdbc:lava-pg:";

    /** The URL whose dialect this one delegates to. */
    static final String POSTGRES_URL = "jdbc:postgresql:";

    private static final LavaPgDialect INSTANCE = new LavaPgDialect();

    private transient volatile JdbcDialect postgres;

    private LavaPgDialect() {
    }

    /**
     * Registers the dialect with {@link JdbcDialects}, so that Spark uses it for {@code jdbc:lava-pg:} URLs in this
     * JVM. Idempotent; cheap; never throws.
     */
    public static void register() {
        JdbcDialects.registerDialect(INSTANCE);
    }

    /** @return the one instance, the one {@link #register()} registers */
    static LavaPgDialect instance() {
        return INSTANCE;
    }

    /** @return the dialect Spark uses for {@code jdbc:postgresql:} URLs, looked up on first use */
    JdbcDialect postgres() {
        JdbcDialect dialect = postgres;
        if (dialect == null) {
            dialect = JdbcDialects.get(POSTGRES_URL);
            postgres = dialect;
        }
        return dialect;
    }

    private Object readResolve() {
        return INSTANCE;
    }

    /**
     * @param url a JDBC URL, possibly {@code null}
     * @return whether {@code url} starts with {@code jdbc:lava-pg:} (case-sensitive, as the driver's)
     */
    @Override
    public boolean canHandle(String url) {
        return url != null && url.startsWith(URL_PREFIX);
    }

    // Types and values, both ways.

    @Override
    public Option<DataType> getCatalystType(int sqlType, String typeName, int size, MetadataBuilder md) {
        return postgres().getCatalystType(sqlType, typeName, size, md);
    }

    @Override
    public Option<JdbcType> getJDBCType(DataType dt) {
        return postgres().getJDBCType(dt);
    }

    /** Spark 4: reads PostgreSQL's array dimensions and other column details into the schema's metadata. */
    @Override
    public void updateExtraColumnMeta(Connection conn, ResultSetMetaData rsmd, int columnIdx, MetadataBuilder md) {
        postgres().updateExtraColumnMeta(conn, rsmd, columnIdx, md);
    }

    @Override
    public Timestamp convertJavaTimestampToTimestamp(Timestamp t) {
        return postgres().convertJavaTimestampToTimestamp(t);
    }

    @Override
    public LocalDateTime convertJavaTimestampToTimestampNTZ(Timestamp t) {
        return postgres().convertJavaTimestampToTimestampNTZ(t);
    }

    @Override
    public Timestamp convertTimestampNTZToJavaTimestamp(LocalDateTime ldt) {
        return postgres().convertTimestampNTZToJavaTimestamp(ldt);
    }

    /** Spark 4: PostgreSQL's {@code infinity} dates. */
    @Override
    public Date convertJavaDateToDate(Date d) {
        return postgres().convertJavaDateToDate(d);
    }

    @Override
    public Object compileValue(Object value) {
        return postgres().compileValue(value);
    }

    // Reading: fetch size and autocommit (Spark 3.5 calls the Map form, Spark 4 the JDBCOptions form).

    @Override
    @SuppressWarnings("deprecation")
    public void beforeFetch(Connection connection, Map<String, String> properties) {
        postgres().beforeFetch(connection, properties);
    }

    @Override
    public void beforeFetch(Connection connection, JDBCOptions options) {
        postgres().beforeFetch(connection, options);
    }

    @Override
    public int getFetchSize(JDBCOptions options) {
        return postgres().getFetchSize(options);
    }

    // Truncate.

    @Override
    public Option<Object> isCascadingTruncateTable() {
        return postgres().isCascadingTruncateTable();
    }

    @Override
    public String getTruncateQuery(String table, Option<Object> cascade) {
        return postgres().getTruncateQuery(table, cascade);
    }

    @Override
    public Option<Object> getTruncateQuery$default$2() {
        return postgres().getTruncateQuery$default$2();
    }

    // Push-down.

    @Override
    public boolean isSupportedFunction(String funcName) {
        return postgres().isSupportedFunction(funcName);
    }

    @Override
    public Option<String> compileExpression(Expression expr) {
        return postgres().compileExpression(expr);
    }

    @Override
    public boolean supportsLimit() {
        return postgres().supportsLimit();
    }

    @Override
    public boolean supportsOffset() {
        return postgres().supportsOffset();
    }

    @Override
    public boolean supportsJoin() {
        return postgres().supportsJoin();
    }

    @Override
    @SuppressWarnings("deprecation")
    public boolean supportsTableSample() {
        return postgres().supportsTableSample();
    }

    @Override
    @SuppressWarnings("deprecation")
    public String getTableSample(TableSampleInfo sample) {
        return postgres().getTableSample(sample);
    }

    @Override
    public Option<String> compileTableSample(TableSampleInfo sample) {
        return postgres().compileTableSample(sample);
    }

    // DDL of the JDBC catalog.

    @Override
    public String renameTable(Identifier oldTable, Identifier newTable) {
        return postgres().renameTable(oldTable, newTable);
    }

    @Override
    public String getUpdateColumnTypeQuery(String tableName, String columnName, String newDataType) {
        return postgres().getUpdateColumnTypeQuery(tableName, columnName, newDataType);
    }

    @Override
    public String getUpdateColumnNullabilityQuery(String tableName, String columnName, boolean isNullable) {
        return postgres().getUpdateColumnNullabilityQuery(tableName, columnName, isNullable);
    }

    @Override
    public String createIndex(String indexName, Identifier tableIdent, NamedReference[] columns,
            java.util.Map<NamedReference, java.util.Map<String, String>> columnsProperties,
            java.util.Map<String, String> properties) {
        return postgres().createIndex(indexName, tableIdent, columns, columnsProperties, properties);
    }

    @Override
    public boolean indexExists(Connection conn, String indexName, Identifier tableIdent, JDBCOptions options) {
        return postgres().indexExists(conn, indexName, tableIdent, options);
    }

    @Override
    public String dropIndex(String indexName, Identifier tableIdent) {
        return postgres().dropIndex(indexName, tableIdent);
    }

    // Errors (Spark 3.5 calls the (String, Throwable) form, Spark 4 the others).

    @Override
    @SuppressWarnings("deprecation")
    public AnalysisException classifyException(String message, Throwable e) {
        return postgres().classifyException(message, e);
    }

    @Override
    public Throwable classifyException(Throwable e, String condition, Map<String, String> messageParameters,
            String description, boolean isRuntime) {
        return postgres().classifyException(e, condition, messageParameters, description, isRuntime);
    }

    @Override
    public boolean isObjectNotFoundException(SQLException e) {
        return postgres().isObjectNotFoundException(e);
    }

    @Override
    public boolean isSyntaxErrorBestEffort(SQLException exception) {
        return postgres().isSyntaxErrorBestEffort(exception);
    }

    @Override
    public String toString() {
        return "LavaPgDialect[" + URL_PREFIX + " as " + postgres().getClass().getName() + "]";
    }
}
