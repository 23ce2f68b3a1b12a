package io.lava.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's "## Properties" table against {@link LavaPgProperty}: one row per property, in the enum's order, whose
 * default, type, range and meaning are the enum's (backticks aside). A mismatch fails the build with one line per
 * difference, naming the row, the column, the README's text and the enum's.
 */
class PropertyTableTest {
    private static final Path README = Path.of(System.getProperty("basedir", "."), "..", "README.md");
    private static final List<String> COLUMNS = List.of("property", "default", "type", "range", "meaning");

    @Test
    void readmePropertyTableMatchesTheEnum() throws Exception {
        assertThat(differences(Files.readString(README))).as("README.md ## Properties against LavaPgProperty")
                .isEmpty();
    }

    @Test
    void aDifferentDefaultRangeOrMeaningIsNamed() throws Exception {
        String readme = Files.readString(README)
                .replace("| `recordTtl` | `60` |", "| `recordTtl` | `30` |")
                .replace("| seconds | from 1 to 870 |", "| seconds | from 1 to 900 |")
                .replace("seconds a Secrets Manager secret is cached", "seconds a secret is cached");
        assertThat(differences(readme)).containsExactly(
                "row `recordTtl`, default: README says '30', LavaPgProperty.RECORD_TTL says '60'",
                "row `secretTtl`, meaning: README says 'seconds a secret is cached; 0 disables caching', "
                        + "LavaPgProperty.SECRET_TTL says 'seconds a Secrets Manager secret is cached; 0 disables "
                        + "caching'",
                "row `iamTokenTtl`, range: README says 'from 1 to 900', LavaPgProperty.IAM_TOKEN_TTL says "
                        + "'from 1 to 870'");
    }

    @Test
    void aMissingExtraOrMovedRowIsNamed() throws Exception {
        String readme = Files.readString(README);
        String iamHost = readme.lines().filter(l -> l.startsWith("| `iamHost` |")).findFirst().orElseThrow();
        String maxStale = readme.lines().filter(l -> l.startsWith("| `maxStale` |")).findFirst().orElseThrow();
        assertThat(differences(readme.replace(iamHost + "\n", "").replace("`maxStale`", "`maxStaleness`")))
                .containsExactly("no row for `maxStale` (LavaPgProperty.MAX_STALE)",
                        "no row for `iamHost` (LavaPgProperty.IAM_HOST)",
                        "row `maxStaleness` is not a LavaPgProperty");
        assertThat(differences(readme.replace(maxStale + "\n", "").replace(iamHost + "\n", iamHost + "\n"
                + maxStale + "\n"))).singleElement().asString().startsWith("rows are not in the enum's order");
    }

    /** @return one line per disagreement between the README's table and the enum; empty when they agree */
    static List<String> differences(String readme) {
        List<Map<String, String>> rows = table(readme);
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
                    out.add("row `" + p.getName() + "`, " + column + ": README says '" + row.get(column)
                            + "', LavaPgProperty." + p + " says '" + expected.get(column) + "'");
                }
            }
        }
        byName.keySet().stream().filter(name -> LavaPgProperty.forName(name) == null)
                .forEach(name -> out.add("row `" + name + "` is not a LavaPgProperty"));
        List<String> enumOrder = Arrays.stream(LavaPgProperty.values()).map(LavaPgProperty::getName).toList();
        if (out.isEmpty() && !List.copyOf(byName.keySet()).equals(enumOrder)) {
            out.add("rows are not in the enum's order: README " + byName.keySet() + ", LavaPgProperty " + enumOrder);
        }
        return out;
    }

    /** The first table of "## Properties", each row as column name to cell text without backticks. */
    private static List<Map<String, String>> table(String readme) {
        int start = readme.indexOf("\n## Properties\n");
        assertThat(start).as("README.md has a '## Properties' section").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        List<String> lines = readme.substring(start, end < 0 ? readme.length() : end).lines().toList();
        int first = 0;
        while (first < lines.size() && !lines.get(first).startsWith("|")) {
            first++;
        }
        List<String> header = cells(lines.get(first));
        assertThat(header).as("columns of the README's property table").isEqualTo(COLUMNS);
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = first + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            List<String> cells = cells(lines.get(i));
            assertThat(cells).as("cells of README line '%s'", lines.get(i)).hasSameSizeAs(header);
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
