package io.lava.jdbc.testing;

import java.util.List;
import java.util.Map;

/**
 * What a {@link LocalPostgres} is asked to apply between {@code initdb} and the server start.
 *
 * @param config     extra {@code postgresql.conf} settings, in order; later ones win
 * @param hba        extra {@code pg_hba.conf} lines, placed before the default rules
 * @param defaultHba whether the default rules (password login for everyone) are kept
 * @param files      files to place in the data directory (owner-only permissions), by file name
 */
record PostgresSettings(
        Map<String, String> config, List<String> hba, boolean defaultHba, Map<String, byte[]> files) {

    PostgresSettings {
        config = Map.copyOf(config);
        hba = List.copyOf(hba);
        files = Map.copyOf(files);
    }

    /** The {@code postgresql.conf} lines for {@link #config()}, values quoted. */
    String configText() {
        StringBuilder text = new StringBuilder("\n# lava test harness\n");
        config.forEach((name, value) -> text.append(name).append(" = ").append(quote(value)).append('\n'));
        return text.toString();
    }

    /** The {@code pg_hba.conf} text: extra lines first, then (optionally) the given defaults. */
    String hbaText(String defaults) {
        StringBuilder text = new StringBuilder("# lava test harness\n");
        hba.forEach(line -> text.append(line).append('\n'));
        if (defaultHba) {
            text.append(defaults);
        }
        return text.toString();
    }

    private static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
