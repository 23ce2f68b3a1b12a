package io.lava.jdbc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class DocsTest {
    private static final String PAGE = """
            # Title

            intro
            ## One
            text of one
            ```bash
            # a comment, not a heading
            ## nor this
            ```
            ### One.a
            text of one.a
            ## Two
            text of two
            """;

    @Test
    void theRootHoldsThePomAndTheDocs() {
        assertThat(Docs.root().resolve("pom.xml")).isRegularFile();
        assertThat(Files.isDirectory(Docs.root().resolve("docs"))).isTrue();
        assertThat(Docs.file("README.md")).startsWith("# lava-pg-jdbc\n");
    }

    @Test
    void aSectionEndsAtTheNextHeadingOfItsLevelOrHigher() {
        assertThat(Docs.sectionOf(PAGE, "## One")).startsWith("## One\n").contains("## nor this", "### One.a",
                "text of one.a").doesNotContain("## Two");
        assertThat(Docs.sectionOf(PAGE, "### One.a")).isEqualTo("### One.a\ntext of one.a\n");
        assertThat(Docs.sectionOf(PAGE, "## Two")).isEqualTo("## Two\ntext of two\n\n");
        assertThat(Docs.sectionOf(PAGE, "# Title")).endsWith("text of two\n\n");
    }

    @Test
    void aMissingSectionOrFileFailsNamingIt() {
        assertThatThrownBy(() -> Docs.sectionOf(PAGE, "## Three")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'## Three'");
        assertThatThrownBy(() -> Docs.section("docs/connecting.md", "## Nowhere"))
                .hasMessageContaining("'## Nowhere' in docs/connecting.md");
        assertThatThrownBy(() -> Docs.file("docs/nowhere.md")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("docs/nowhere.md");
        assertThatThrownBy(() -> Docs.sectionOf(PAGE, "One")).isInstanceOf(IllegalArgumentException.class);
    }
}
