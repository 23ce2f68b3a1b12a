package io.lava.jdbc.flink;

import io.lava.jdbc.LavaPgDriver;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.connector.jdbc.core.database.dialect.JdbcDialect;
import org.apache.flink.connector.jdbc.core.database.dialect.JdbcDialectConverter;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.logical.RowType;

/**
 * Flink's PostgreSQL {@link JdbcDialect} under this driver's class name: what {@link LavaPgJdbcFactory} creates for
 * {@code jdbc:lava-pg:} URLs.
 *
 * <p>Every method of {@code JdbcDialect} is passed to the dialect the connector's factory creates for
 * {@code jdbc:postgresql:} (type validation; limits; quoting; the upsert {@code INSERT ... ON CONFLICT ... DO UPDATE
 * SET} and the other statements; URL properties), and its row converter reads and writes every row (arrays
 * included), with one change: a {@code STRING} field reads the column's text, so {@code uuid} and {@code jsonb}
 * columns map to {@code STRING} ({@link LavaPgRowConverter}). The one method answered here is
 * {@link #defaultDriverName()}: the connector loads the driver class the dialect names when a table has no
 * {@code driver} option, and PostgreSQL's names pgjdbc's {@code org.postgresql.Driver}, which refuses
 * {@code jdbc:lava-pg:} URLs. The connector opens each connection with that class's {@code Driver.connect(url,
 * properties)}, so the table's {@code url} (record, realm and the driver's URL parameters) reaches this driver as
 * written. Serializable, as the connector ships dialects to its tasks; immutable.
 */
public final class LavaPgJdbcDialect implements JdbcDialect {
    private static final long serialVersionUID = 1L;

    private final JdbcDialect postgres;

    /**
     * @param postgres the connector's PostgreSQL dialect
     */
    LavaPgJdbcDialect(JdbcDialect postgres) {
        this.postgres = Objects.requireNonNull(postgres, "postgres");
    }

    /** @return the PostgreSQL dialect this one passes every other method to */
    JdbcDialect postgres() {
        return postgres;
    }

    /** @return {@code io.lava.jdbc.LavaPgDriver}, the class the connector loads when a table names no driver */
    @Override
    public Optional<String> defaultDriverName() {
        return Optional.of(LavaPgDriver.class.getName());
    }

    /** @return the PostgreSQL dialect's name ({@code PostgreSQL}), which the connector's messages show */
    @Override
    public String dialectName() {
        return postgres.dialectName();
    }

    /**
     * @param rowType the row of a table's source, lookup or sink
     * @return the PostgreSQL dialect's converter, with string fields read as the column's text
     *     ({@link LavaPgRowConverter}: {@code uuid} and {@code jsonb} columns map to {@code STRING})
     */
    @Override
    public JdbcDialectConverter getRowConverter(RowType rowType) {
        return new LavaPgRowConverter(postgres.getRowConverter(rowType), rowType);
    }

    @Override
    public String getLimitClause(long limit) {
        return postgres.getLimitClause(limit);
    }

    @Override
    public void validate(RowType rowType) throws ValidationException {
        postgres.validate(rowType);
    }

    @Override
    public String quoteIdentifier(String identifier) {
        return postgres.quoteIdentifier(identifier);
    }

    @Override
    public Optional<String> getUpsertStatement(String tableName, String[] fieldNames, String[] uniqueKeyFields) {
        return postgres.getUpsertStatement(tableName, fieldNames, uniqueKeyFields);
    }

    @Override
    public String getRowExistsStatement(String tableName, String[] conditionFields) {
        return postgres.getRowExistsStatement(tableName, conditionFields);
    }

    @Override
    public String getInsertIntoStatement(String tableName, String[] fieldNames) {
        return postgres.getInsertIntoStatement(tableName, fieldNames);
    }

    @Override
    public String getUpdateStatement(String tableName, String[] fieldNames, String[] conditionFields) {
        return postgres.getUpdateStatement(tableName, fieldNames, conditionFields);
    }

    @Override
    public String getDeleteStatement(String tableName, String[] conditionFields) {
        return postgres.getDeleteStatement(tableName, conditionFields);
    }

    @Override
    public String getSelectFromStatement(String tableName, String[] selectFields, String[] conditionFields) {
        return postgres.getSelectFromStatement(tableName, selectFields, conditionFields);
    }

    @Override
    public String appendDefaultUrlProperties(String url) {
        return postgres.appendDefaultUrlProperties(url);
    }
}
