package io.lava.jdbc.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.jdbc.JdbcDialect;
import org.apache.spark.sql.jdbc.JdbcDialects;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MetadataBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import scala.Option;

/**
 * The dialect of the -all jar without a SparkSession, on the module's Spark runtime: which URLs it claims, that it
 * overrides exactly what that runtime's PostgreSQL dialect overrides, and that it answers as that dialect does.
 */
class LavaPgDialectTest {
    private static final String URL = "jdbc:lava-pg:prod/warehouse";
    private final LavaPgDialect dialect = LavaPgDialect.instance();
    private final JdbcDialect postgres = JdbcDialects.get("jdbc:postgresql://db/dw");

    @ParameterizedTest
    @CsvSource({
        "jdbc:lava-pg:prod/warehouse, true",
        "jdbc:lava-pg://prod/warehouse?fetchsize=1000, true",
        "jdbc:lava-pg:warehouse, true",
        "jdbc:postgresql://db:5432/dw, false",
        "JDBC:LAVA-PG:prod/warehouse, false",
        "jdbc:lava:prod/warehouse, false",
        "jdbc:mysql://db/dw, false",
    })
    void claimsOnlyLavaPgUrls(String url, boolean claimed) {
        assertThat(dialect.canHandle(url)).isEqualTo(claimed);
        assertThat(dialect.canHandle(null)).isFalse();
    }

    @Test
    void sparkUsesItForLavaPgUrlsOnlyOnceRegistered() {
        JdbcDialects.unregisterDialect(dialect);
        try {
            assertThat(JdbcDialects.get(URL).getClass().getName()).startsWith("org.apache.spark.sql.jdbc.NoopDialect");
            LavaPgDialect.register();
            LavaPgDialect.register();
            assertThat(JdbcDialects.get(URL)).isSameAs(dialect);
            assertThat(JdbcDialects.get("jdbc:postgresql://db/dw")).isSameAs(postgres);
        } finally {
            LavaPgDialect.register();
        }
    }

    @Test
    void delegatesToSparksPostgresDialect() {
        // PostgresDialect$ (an object) in Spark 3.5, PostgresDialect (a case class) in Spark 4
        assertThat(postgres.getClass().getName()).startsWith("org.apache.spark.sql.jdbc.PostgresDialect");
        assertThat(dialect.postgres()).isSameAs(postgres);
        assertThat(dialect.toString()).contains("PostgresDialect");
    }

    /**
     * Every method this runtime's PostgresDialect overrides is overridden by LavaPgDialect with the same binary
     * signature (names of Scala types included), so Spark calls the delegation, not JdbcDialect's default. Runs on
     * Spark 3.5 / Scala 2.12, Spark 3.5 / Scala 2.13 and Spark 4 with the one compiled class.
     */
    @Test
    void overridesEveryMethodThePostgresDialectOfThisRuntimeOverrides() {
        List<String> overriddenByPostgres = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Method m : postgres.getClass().getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers()) || Modifier.isStatic(m.getModifiers()) || m.isSynthetic()
                    || m.isBridge() || !declaredBy(JdbcDialect.class, m) || m.getName().equals("canHandle")) {
                continue;
            }
            overriddenByPostgres.add(m.getName());
            if (!declaredBy(LavaPgDialect.class, m)) {
                missing.add(m.toString());
            }
        }
        assertThat(overriddenByPostgres).contains("getCatalystType", "getJDBCType", "getTruncateQuery", "beforeFetch");
        assertThat(missing).isEmpty();
    }

    private static boolean declaredBy(Class<?> type, Method m) {
        try {
            type.getDeclaredMethod(m.getName(), m.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    @ParameterizedTest(name = "{1} ({0}) -> {2}")
    @CsvSource({
        "1111, uuid, string",
        "1111, jsonb, string",
        "2003, _int4, array<int>",
        "2003, _text, array<string>",
        "12, text, string",
        "7, float4, float",
        "-7, bool, -",
        "-2, bytea, -",
    })
    void readsPostgresTypesAsThePostgresDialectDoes(int sqlType, String typeName, String catalyst) {
        // Spark's JDBC reader puts the column's scale into the metadata; array element types need it.
        Option<DataType> ours = dialect.getCatalystType(sqlType, typeName, 0, new MetadataBuilder().putLong("scale", 0));
        assertThat(ours).isEqualTo(
                postgres.getCatalystType(sqlType, typeName, 0, new MetadataBuilder().putLong("scale", 0)));
        // "-": no answer, so Spark's generic JDBC mapping applies (BIT -> boolean, BINARY -> binary), as for PostgreSQL
        assertThat(ours.isDefined() ? ours.get().simpleString() : "-").isEqualTo(catalyst);
    }

    @Test
    void writesSparkTypesAsThePostgresDialectDoes() {
        assertThat(dialect.getJDBCType(DataTypes.createArrayType(DataTypes.IntegerType)).get().databaseTypeDefinition())
                .isEqualTo("INTEGER[]");
        assertThat(dialect.getJDBCType(DataTypes.BinaryType).get().databaseTypeDefinition()).isEqualTo("BYTEA");
        assertThat(dialect.getJDBCType(DataTypes.BooleanType).get().jdbcNullType()).isEqualTo(Types.BOOLEAN);
        assertThat(dialect.getJDBCType(DataTypes.StringType).get().databaseTypeDefinition()).isEqualTo("TEXT");
        assertThat(dialect.quoteIdentifier("Mixed Case")).isEqualTo("\"Mixed Case\"");
        assertThat(dialect.getTruncateQuery("t", dialect.isCascadingTruncateTable()))
                .isEqualTo(postgres.getTruncateQuery("t", postgres.isCascadingTruncateTable()))
                .isEqualTo("TRUNCATE TABLE ONLY t");
        assertThat(dialect.getTableExistsQuery("t")).isEqualTo(postgres.getTableExistsQuery("t"));
        assertThat(dialect.supportsLimit()).isTrue();
        assertThat(dialect.supportsOffset()).isTrue();
        assertThat(dialect.isSupportedFunction("COVAR_POP")).isEqualTo(postgres.isSupportedFunction("COVAR_POP"))
                .isTrue();
    }

    @Test
    void deserializesToTheRegisteredInstance() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(dialect);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isSameAs(dialect);
        }
    }
}
