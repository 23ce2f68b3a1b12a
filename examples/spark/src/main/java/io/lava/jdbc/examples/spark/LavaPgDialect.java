package io.lava.jdbc.examples.spark;

import java.sql.Connection;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.TableChange;
import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;
import org.apache.spark.sql.connector.catalog.index.TableIndex;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.connector.expressions.aggregate.AggregateFunc;
import org.apache.spark.sql.execution.datasources.jdbc.JDBCOptions;
import org.apache.spark.sql.execution.datasources.jdbc.JdbcOptionsInWrite;
import org.apache.spark.sql.execution.datasources.v2.TableSampleInfo;
import org.apache.spark.sql.jdbc.JdbcDialect;
import org.apache.spark.sql.jdbc.JdbcDialects;
import org.apache.spark.sql.jdbc.JdbcSQLQueryBuilder;
import org.apache.spark.sql.jdbc.JdbcType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MetadataBuilder;
import scala.Function1;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Map;
import scala.collection.immutable.Seq;

/**
 * Spark {@link JdbcDialect} for {@code jdbc:lava-pg:} URLs: Spark's PostgreSQL dialect under our URL prefix.
 *
 * <p>Spark chooses a dialect by URL ({@link JdbcDialects#get(String)}); its PostgreSQL dialect answers only
 * {@code jdbc:postgresql} URLs, so a {@code jdbc:lava-pg:} URL would get Spark's generic dialect: {@code uuid},
 * {@code jsonb} and array columns fail to read ({@code Unsupported type OTHER / ARRAY}), arrays fail to write, and
 * {@code fetchsize} is ignored. This dialect {@link #canHandle claims} URLs that start with {@code jdbc:lava-pg:}
 * and answers every other method exactly as the dialect Spark has for {@code jdbc:postgresql:} (type mappings,
 * identifier quoting, truncate, {@code beforeFetch}, filter push-down, limits, DDL, error classification ...); the
 * connection behind the URL is pgjdbc's own, so the two behave the same.
 *
 * <p>Register it once per JVM before Spark plans a {@code jdbc:lava-pg:} read or write: {@link #register()} in the
 * application, or {@code spark.plugins=io.lava.jdbc.examples.spark.LavaPgSparkPlugin}, which registers it in the
 * driver and in every executor (executors look dialects up by URL themselves when they fetch rows).
 *
 * <p>The PostgreSQL dialect is looked up on first use and kept. One instance per JVM: deserializing this dialect
 * (Spark ships it to executors inside write tasks) yields that instance. Thread-safe.
 */
public final class LavaPgDialect extends JdbcDialect {
    private static final long serialVersionUID = 1L;

    /** The URL prefix this dialect claims, the same as the driver's. */
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
     * @return whether {@code url} starts with {@code jdbc:lava-pg:}
     */
    @Override
    public boolean canHandle(String url) {
        return url != null && url.startsWith(URL_PREFIX);
    }

    // Everything below answers as the PostgreSQL dialect does.

    @Override
    public Option<DataType> getCatalystType(int sqlType, String typeName, int size, MetadataBuilder md) {
        return postgres().getCatalystType(sqlType, typeName, size, md);
    }

    @Override
    public Option<JdbcType> getJDBCType(DataType dt) {
        return postgres().getJDBCType(dt);
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

    @Override
    public Function1<Object, Connection> createConnectionFactory(JDBCOptions options) {
        return postgres().createConnectionFactory(options);
    }

    @Override
    public String quoteIdentifier(String colName) {
        return postgres().quoteIdentifier(colName);
    }

    @Override
    public void createTable(Statement statement, String tableName, String strSchema, JdbcOptionsInWrite options) {
        postgres().createTable(statement, tableName, strSchema, options);
    }

    @Override
    public String getTableExistsQuery(String table) {
        return postgres().getTableExistsQuery(table);
    }

    @Override
    public String getSchemaQuery(String table) {
        return postgres().getSchemaQuery(table);
    }

    @Override
    @SuppressWarnings("deprecation")
    public String getTruncateQuery(String table) {
        return postgres().getTruncateQuery(table);
    }

    @Override
    public String getTruncateQuery(String table, Option<Object> cascade) {
        return postgres().getTruncateQuery(table, cascade);
    }

    @Override
    public Option<Object> getTruncateQuery$default$2() {
        return postgres().getTruncateQuery$default$2();
    }

    @Override
    public Option<Object> isCascadingTruncateTable() {
        return postgres().isCascadingTruncateTable();
    }

    @Override
    public void beforeFetch(Connection connection, Map<String, String> properties) {
        postgres().beforeFetch(connection, properties);
    }

    @Override
    public String escapeSql(String value) {
        return postgres().escapeSql(value);
    }

    @Override
    public Object compileValue(Object value) {
        return postgres().compileValue(value);
    }

    @Override
    public boolean isSupportedFunction(String funcName) {
        return postgres().isSupportedFunction(funcName);
    }

    @Override
    public Option<String> compileExpression(Expression expr) {
        return postgres().compileExpression(expr);
    }

    @Override
    @SuppressWarnings("deprecation")
    public Option<String> compileAggregate(AggregateFunc aggFunction) {
        return postgres().compileAggregate(aggFunction);
    }

    @Override
    public Seq<Tuple2<String, UnboundFunction>> functions() {
        return postgres().functions();
    }

    @Override
    public void createSchema(Statement statement, String schema, String comment) {
        postgres().createSchema(statement, schema, comment);
    }

    @Override
    public boolean schemasExists(Connection conn, JDBCOptions options, String schema) {
        return postgres().schemasExists(conn, options, schema);
    }

    @Override
    public String[][] listSchemas(Connection conn, JDBCOptions options) {
        return postgres().listSchemas(conn, options);
    }

    @Override
    @SuppressWarnings("deprecation")
    public String renameTable(String oldTable, String newTable) {
        return postgres().renameTable(oldTable, newTable);
    }

    @Override
    public String renameTable(Identifier oldTable, Identifier newTable) {
        return postgres().renameTable(oldTable, newTable);
    }

    @Override
    public String[] alterTable(String tableName, Seq<TableChange> changes, int dbMajorVersion) {
        return postgres().alterTable(tableName, changes, dbMajorVersion);
    }

    @Override
    public String getAddColumnQuery(String tableName, String columnName, String dataType) {
        return postgres().getAddColumnQuery(tableName, columnName, dataType);
    }

    @Override
    public String getRenameColumnQuery(String tableName, String columnName, String newName, int dbMajorVersion) {
        return postgres().getRenameColumnQuery(tableName, columnName, newName, dbMajorVersion);
    }

    @Override
    public String getDeleteColumnQuery(String tableName, String columnName) {
        return postgres().getDeleteColumnQuery(tableName, columnName);
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
    public String getTableCommentQuery(String table, String comment) {
        return postgres().getTableCommentQuery(table, comment);
    }

    @Override
    public String getSchemaCommentQuery(String schema, String comment) {
        return postgres().getSchemaCommentQuery(schema, comment);
    }

    @Override
    public String removeSchemaCommentQuery(String schema) {
        return postgres().removeSchemaCommentQuery(schema);
    }

    @Override
    public String dropSchema(String schema, boolean cascade) {
        return postgres().dropSchema(schema, cascade);
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

    @Override
    public TableIndex[] listIndexes(Connection conn, Identifier tableIdent, JDBCOptions options) {
        return postgres().listIndexes(conn, tableIdent, options);
    }

    @Override
    public AnalysisException classifyException(String message, Throwable e) {
        return postgres().classifyException(message, e);
    }

    @Override
    public String getLimitClause(Integer limit) {
        return postgres().getLimitClause(limit);
    }

    @Override
    public String getOffsetClause(Integer offset) {
        return postgres().getOffsetClause(offset);
    }

    @Override
    public JdbcSQLQueryBuilder getJdbcSQLQueryBuilder(JDBCOptions options) {
        return postgres().getJdbcSQLQueryBuilder(options);
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
    public boolean supportsTableSample() {
        return postgres().supportsTableSample();
    }

    @Override
    public String getTableSample(TableSampleInfo sample) {
        return postgres().getTableSample(sample);
    }

    @Override
    public String getFullyQualifiedQuotedTableName(Identifier ident) {
        return postgres().getFullyQualifiedQuotedTableName(ident);
    }

    @Override
    public String toString() {
        return "LavaPgDialect[" + URL_PREFIX + " as " + postgres().getClass().getName() + "]";
    }
}
