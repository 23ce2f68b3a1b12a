package io.lava.jdbc.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.Docs;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What the recipe tests share: one lava record per realm in the harness, and the snippets of the docs pages.
 *
 * <p>A recipe test runs the configuration a page shows ({@code docs/pools.md}, {@code docs/cli.md}), taken from the
 * page itself: {@link #snippets} returns the fenced blocks of a section, and {@link Snippet#replace} points the
 * snippet's realm and region at the harness (each replacement fails when its text is not in the snippet, so the page
 * and the test cannot drift apart).
 */
final class Recipe {
    /** The URL of the pages' snippets: {@code jdbc:lava-pg:prod/warehouse}. */
    static final String DOCS_URL = "jdbc:lava-pg:prod/warehouse";
    /** The region of the pages' snippets. */
    static final String DOCS_REGION = "eu-west-1";

    private Recipe() {
    }

    /**
     * Role {@code <realm>_etl} with its password in SSM parameter {@code /lava/<realm>/etl}, database
     * {@code <realm>_dw}, and record {@code warehouse} in table {@code lava.<realm>.connections}.
     *
     * @return the role's password (registered with the harness's leak guard by {@code createRole})
     */
    static String warehouse(LocalPostgres pg, LocalAws aws, String realm) throws SQLException {
        String password = realm + "-Pa55-w0rd!";
        pg.createRole(user(realm), password);
        pg.createDatabase(realm + "_dw", user(realm));
        LavaRealm.create(aws, pg, realm).postgres("warehouse", realm + "_dw", user(realm), "/lava/" + realm + "/etl",
                password);
        return password;
    }

    /** @return the role record {@code warehouse} of {@code realm} names */
    static String user(String realm) {
        return realm + "_etl";
    }

    /** @return the URL of record {@code warehouse} in {@code realm}, with the harness's endpoint, and {@code query} */
    static String url(String realm, LocalAws aws, String query) {
        return "jdbc:lava-pg:" + realm + "/warehouse?awsEndpointUrl=" + encoded(aws.endpoint()) + query;
    }

    static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** @return the first column of the first row of {@code sql} */
    static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Ends every server session of {@code role} (idle pooled connections included) and waits until they are gone. */
    static void terminateSessions(LocalPostgres pg, String role) throws Exception {
        String sessions = "from pg_stat_activity where usename = '" + role + "'";
        try (Connection admin = pg.adminConnection(); Statement s = admin.createStatement()) {
            s.execute("select pg_terminate_backend(pid) " + sessions);
            for (int i = 0; i < 100 && !query(admin, "select count(*) " + sessions).equals("0"); i++) {
                Thread.sleep(20);
            }
        }
    }

    // ---- the docs pages --------------------------------------------------------------------------------------------

    /**
     * The fenced code blocks of a section of a docs page, in order.
     *
     * @param page the page, from the repository root, e.g. {@code docs/pools.md}
     * @param heading the section's heading line, e.g. {@code ## Apache DBCP2}
     * @return each block's text without its fences, lines ending in {@code \n}
     */
    static List<Snippet> snippets(String page, String heading) {
        String where = page + " " + heading;
        List<Snippet> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : Docs.section(page, heading).lines().toList()) {
            if (line.startsWith("```")) {
                if (block == null) {
                    block = new StringBuilder();
                } else {
                    blocks.add(new Snippet(where, block.toString()));
                    block = null;
                }
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        assertThat(blocks).as("code blocks of %s", where).isNotEmpty();
        return blocks;
    }

    /**
     * A code block of a docs page.
     *
     * @param section its page and section heading
     * @param text its text
     */
    record Snippet(String section, String text) {
        /** @return the snippet with every {@code from} replaced; fails when {@code from} is not in it */
        Snippet replace(String from, String to) {
            assertThat(text).as("the snippet of %s", section).contains(from);
            return new Snippet(section, text.replace(from, to));
        }

        /** @return the snippet pointed at the harness: record {@code warehouse} of {@code realm}, its region */
        Snippet atHarness(String realm, LocalAws aws) {
            return replace(DOCS_URL + "?", url(realm, aws, "&")).replace(DOCS_REGION, "us-east-1");
        }

        /** @return the snippet read as a properties file */
        Properties properties() {
            Properties p = new Properties();
            try {
                p.load(new StringReader(text));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return p;
        }
    }
}
