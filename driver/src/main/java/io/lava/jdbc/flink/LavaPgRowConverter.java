package io.lava.jdbc.flink;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.flink.connector.jdbc.core.database.dialect.JdbcDialectConverter;
import org.apache.flink.connector.jdbc.statement.FieldNamedPreparedStatement;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;

/**
 * The PostgreSQL dialect's row converter, with {@code STRING} (and {@code CHAR}, {@code VARCHAR}) fields read as the
 * column's text.
 *
 * <p>Flink's converter reads every field with {@code ResultSet.getObject} and casts a string field's value to
 * {@code String}; pgjdbc's {@code getObject} gives a {@code java.util.UUID} for {@code uuid} and a {@code PGobject}
 * for {@code jsonb}, {@code json}, {@code inet} and the other types it has no Java class for, so the PostgreSQL
 * dialect fails on such a column with a {@code ClassCastException} whatever the URL. This converter hands Flink's a
 * result set whose {@code getObject} answers {@code getString} for the string fields: pgjdbc's text form of the
 * value, the one {@code psql} shows ({@code a0eebc99-...}, {@code {"n": 1}}). Every other field, arrays included, and
 * every write ({@link #toExternal}) is Flink's converter's alone. Serializable, as Flink's; immutable.
 */
final class LavaPgRowConverter implements JdbcDialectConverter {
    private static final long serialVersionUID = 1L;

    private final JdbcDialectConverter postgres;

    /** The 1-based result set columns of the string fields, ascending. */
    private final int[] textColumns;

    /**
     * @param postgres the PostgreSQL dialect's converter for {@code rowType}
     * @param rowType the row the converter reads and writes
     */
    LavaPgRowConverter(JdbcDialectConverter postgres, RowType rowType) {
        this.postgres = postgres;
        List<LogicalType> fields = rowType.getChildren();
        this.textColumns = IntStream.range(0, fields.size())
                .filter(i -> isText(fields.get(i).getTypeRoot())).map(i -> i + 1).toArray();
    }

    private static boolean isText(LogicalTypeRoot root) {
        return root == LogicalTypeRoot.CHAR || root == LogicalTypeRoot.VARCHAR;
    }

    /**
     * @param resultSet the result set at the row to read
     * @return the row Flink's converter reads, string fields as their column's text
     * @throws SQLException as the result set throws it
     */
    @Override
    public RowData toInternal(ResultSet resultSet) throws SQLException {
        if (textColumns.length == 0) {
            return postgres.toInternal(resultSet);
        }
        return postgres.toInternal((ResultSet) Proxy.newProxyInstance(LavaPgRowConverter.class.getClassLoader(),
                new Class<?>[] {ResultSet.class}, (proxy, method, args) -> {
                    if (isGetObjectOfTextColumn(method, args)) {
                        return resultSet.getString((Integer) args[0]);
                    }
                    try {
                        return method.invoke(resultSet, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }

    private boolean isGetObjectOfTextColumn(Method method, Object[] args) {
        return method.getName().equals("getObject") && args != null && args.length == 1
                && args[0] instanceof Integer column && Arrays.binarySearch(textColumns, column) >= 0;
    }

    /**
     * @param rowData the row to write
     * @param statement the statement to fill
     * @return the statement, filled by Flink's converter
     * @throws SQLException as the statement throws it
     */
    @Override
    public FieldNamedPreparedStatement toExternal(RowData rowData, FieldNamedPreparedStatement statement)
            throws SQLException {
        return postgres.toExternal(rowData, statement);
    }
}
