package io.lava.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.testing.Docs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The "## Properties" table of {@code docs/connecting.md} against {@link LavaPgProperty}: one row per property, in the
 * enum's order, whose default, type, range and meaning are the enum's (backticks aside). A mismatch fails the build
 * with one line per difference, naming the row, the column, the page's text and the enum's.
 */
class PropertyTableTest {
    private static final String PAGE = "docs/connecting.md";
    private static final String HEADING = "## Properties";
    private static final List<String> COLUMNS = List.of("property", "default", "type", "range", "meaning");

    @Test
    void propertyTableMatchesTheEnum() {
        assertThat(differences(Docs.file(PAGE))).as(PAGE + " " + HEADING + " against LavaPgProperty")
                .isEmpty();
    }

    @Test
    void aDifferentDefaultRangeOrMeaningIsNamed() {
        String page = Docs.file(PAGE)
                .replace("| `recordTtl` | `60` |", "| `recordTtl` | `30` |")
                .replace("| seconds | from 1 to 870 |", "| seconds | from 1 to 900 |")
                .replace("seconds a Secrets Manager secret is cached", "seconds a secret is cached");
        assertThat(differences(page)).containsExactly(
                "row `recordTtl`, default: the page says '30', LavaPgProperty.RECORD_TTL says '60'",
                "row `secretTtl`, meaning: the page says 'seconds a secret is cached; 0 disables caching', "
                        + "LavaPgProperty.SECRET_TTL says 'seconds a Secrets Manager secret is cached; 0 disables "
                        + "caching'",
                "row `iamTokenTtl`, range: the page says 'from 1 to 900', LavaPgProperty.IAM_TOKEN_TTL says "
                        + "'from 1 to 870'");
    }

    @Test
    void aMissingExtraOrMovedRowIsNamed() {
        String page = Docs.file(PAGE);
        String iamHost = page.lines().filter(l -> l.startsWith("| `iamHost` |")).findFirst().orElseThrow();
        String maxStale = page.lines().filter(l -> l.startsWith("| `maxStale` |")).findFirst().orElseThrow();
        assertThat(differences(page.replace(iamHost + "\n", "").replace("`maxStale`", "`maxStaleness`")))
                .containsExactly("no row for `maxStale` (LavaPgProperty.MAX_STALE)",
                        "no row for `iamHost` (LavaPgProperty.IAM_HOST)",
                        "row `maxStaleness` is not a LavaPgProperty");
        assertThat(differences(page.replace(maxStale + "\n", "").replace(iamHost + "\n", iamHost + "\n"
                + maxStale + "\n"))).singleElement().asString().startsWith("rows are not in the enum's order");
    }

    /** @return one line per disagreement between the page's table and the enum; empty when they agree */
    static List<String> differences(String page) {
        List<Map<String, String>> rows = table(page);
        List<String> out = new ArrayList<>();
        Map<String, Map<String, String>> byName = new LinkedHashMap<>();
        rows.forEach(row -> byName.put(row.get("property"), row));
        for (LavaPgProperty p : LavaPgProperty.values()) {
            Map<String, String> row = byName.get(p.getName());
            if (row == null) {
                out.add("no row for `" + p.getName() + "` (LavaPgProperty." + p + ")");
                continue;
            }
            Map<String, String> expected = Map.of("default", orEmpty(p.getDefaultValue()),
                    "type", p.getType().getLabel(), "range", orEmpty(p.getRange()), "meaning", p.getDescription());
            for (String column : COLUMNS.subList(1, COLUMNS.size())) {
                if (!row.get(column).equals(expected.get(column))) {
                    out.add("row `" + p.getName() + "`, " + column + ": the page says '" + row.get(column)
                            + "', LavaPgProperty." + p + " says '" + expected.get(column) + "'");
                }
            }
        }
        byName.keySet().stream().filter(name -> LavaPgProperty.forName(name) == null)
                .forEach(name -> out.add("row `" + name + "` is not a LavaPgProperty"));
        List<String> enumOrder = Arrays.stream(LavaPgProperty.values()).map(LavaPgProperty::getName).toList();
        if (out.isEmpty() && !List.copyOf(byName.keySet()).equals(enumOrder)) {
            out.add("rows are not in the enum's order: the page " + byName.keySet() + ", LavaPgProperty " + enumOrder);
        }
        return out;
    }

    /** The first table of "## Properties", each row as column name to cell text without backticks. */
    private static List<Map<String, String>> table(String page) {
        List<String> lines = Docs.sectionOf(page, HEADING).lines().toList();
        int first = 0;
        while (first < lines.size() && !lines.get(first).startsWith("|")) {
            first++;
        }
        List<String> header = cells(lines.get(first));
        assertThat(header).as("columns of the property table of " + PAGE).isEqualTo(COLUMNS);
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = first + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            List<String> cells = cells(lines.get(i));
            assertThat(cells).as("cells of " + PAGE + " line '%s'", lines.get(i)).hasSameSizeAs(header);
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                row.put(header.get(c), cells.get(c));
            }
            rows.add(row);
        }
        return rows;
    }

    private static List<String> cells(String line) {
        String inner = line.trim().substring(1, line.trim().length() - 1);
        return Arrays.stream(inner.split("\\|", -1)).map(cell -> cell.replace("`", "").trim()).toList();
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
