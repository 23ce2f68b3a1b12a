package io.lava.jdbc.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.testing.ChildJvm;
import io.lava.jdbc.testing.ChildJvm.Run;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/cli.md} "sqlline": the snippet's command, word for word but for the jar paths and the harness's realm
 * and endpoint, run in a JVM of its own with the drop-in jar and sqlline's {@code jar-with-dependencies} on its class
 * path and a clean environment.
 */
class SqllineIT extends RecipeHarness {
    private static final String JARS = "lava-pg-jdbc-<version>-all.jar:sqlline-1.12.0-jar-with-dependencies.jar";

    @TempDir
    static Path home;

    @Test
    void thePagesCommandPrintsTheRecordsUser() throws IOException {
        List<String> words = words(Recipe.snippets("docs/cli.md", "## sqlline").get(0)
                .replace(JARS, DropIn.jar() + File.pathSeparator + sqllineJar())
                .atHarness(realm, aws).text());
        assertThat(words.get(0)).isEqualTo("java");
        List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-Duser.home=" + home));
        command.addAll(words.subList(1, words.size()));

        Run run = ChildJvm.run(command, ChildJvm.cleanEnvironment(home), Duration.ofMinutes(1));

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).as(run.all()).contains("current_user").contains(Recipe.user(realm));
        assertThat(run.all()).doesNotContain(password).doesNotContainIgnoringCase("enter password");
        try (Stream<Path> files = Files.walk(home)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file)).as("sqlline's file %s", file).doesNotContain(password);
            }
        }
    }

    /** @return the shell words of {@code text}: lines joined at a trailing {@code \}, '...' quoting */
    static List<String> words(String text) {
        String line = text.replace("\\\n", " ").strip();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (char ch : line.toCharArray()) {
            if (ch == '\'') {
                quoted = !quoted;
                inWord = true;
            } else if (Character.isWhitespace(ch) && !quoted) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(ch);
                inWord = true;
            }
        }
        assertThat(quoted).as("unbalanced quotes in %s", text).isFalse();
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** @return sqlline's {@code jar-with-dependencies}, from the test class path */
    private static Path sqllineJar() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> entry.endsWith("sqlline-1.12.0-jar-with-dependencies.jar")).map(Path::of)
                .findFirst().orElseThrow(() -> new AssertionError("sqlline is not on the test class path"));
    }
}
