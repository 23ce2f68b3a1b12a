package io.lava.jdbc.internal.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.CallTimeouts;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A records file named by a URL: never its content in a message, never a FIFO or device, never unbounded. */
class FileRecordSourceTest {
    private static final String TOKEN = "S3cr3t_T0ken_abc123";

    @TempDir
    Path dir;

    private SourceException failure(Path file) {
        try {
            new FileRecordSource(file).get("warehouse", CallTimeouts.DEFAULT);
        } catch (SourceException e) {
            return e;
        }
        throw new AssertionError("no failure for " + file);
    }

    /** Columns: the file's content (\n for a new line); the line and column the message names. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            S3cr3t_T0ken_abc123                              | line 1, column 1
            S3cr3t_T0ken_abc123\\n                           | line 1, column 1
            \\n\\n   S3cr3t_T0ken_abc123                     | line 3, column 4
            {"warehouse": S3cr3t_T0ken_abc123}               | line 1, column 15
            {"warehouse": "x", S3cr3t_T0ken_abc123: 1}       | line 1, column 20
            {"a": tru S3cr3t_T0ken_abc123                    | line 1, column 7
            password=S3cr3t_T0ken_abc123                     | line 1, column 1
            ["S3cr3t_T0ken_abc123"                           | line 1
            {"S3cr3t_T0ken_abc123"                           | line 1
            """)
    void aSyntaxErrorIsReportedByLineAndColumnOnly(String content, String where) throws Exception {
        Path file = dir.resolve("s.txt");
        Files.writeString(file, content.replace("\\n", "\n"));
        SourceException e = failure(file);
        assertThat(e.sqlState()).isEqualTo("08001");
        assertThat(e.getMessage()).contains("connections file '" + file + "' could not be read as JSON", where,
                "Fix the file").doesNotContain(TOKEN, "S3cr3t", "abc123");
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).as("the cause chain").doesNotContain(TOKEN);
        }
    }

    @Test
    void aJsonFileThatIsNotARecordsFileIsNotQuoted() throws Exception {
        Path file = dir.resolve("token.json");
        Files.writeString(file, "{\"warehouse\": \"" + TOKEN + "\"}");
        assertThat(failure(file).getMessage()).contains("is not an object").doesNotContain(TOKEN);
        Files.writeString(file, "\"" + TOKEN + "\"");
        assertThat(failure(file).getMessage()).contains("must hold a JSON object").doesNotContain(TOKEN);
    }

    @Test
    void aDirectoryIsRefused() {
        assertThat(failure(dir).getMessage()).contains("is not a regular file (a directory)");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("records.fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("mkfifo").isTrue();
        SourceException e = failure(fifo);
        assertThat(e.sqlState()).isEqualTo("08001");
        assertThat(e.getMessage()).contains("is not a regular file (a FIFO, socket or device)");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aDeviceIsRefused() {
        assertThat(failure(Path.of("/dev/zero")).getMessage()).contains("is not a regular file");
        assertThat(failure(Path.of("/dev/urandom")).getMessage()).contains("is not a regular file");
    }

    @Test
    void aFileOverTheCapIsRefusedUnread() throws Exception {
        Path big = dir.resolve("big.json");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(FileRecordSource.MAXIMUM_BYTES + 1L);
        }
        assertThat(failure(big).getMessage()).contains("is larger than 4194304 bytes");
        Path exact = dir.resolve("exact.json");
        Files.writeString(exact, "{}" + " ".repeat(FileRecordSource.MAXIMUM_BYTES - 2));
        assertThat(failure(exact).getMessage()).contains("no such connection");
    }

    @Test
    void aSymbolicLinkToARegularFileIsRead() throws Exception {
        Path file = dir.resolve("records.json");
        Files.writeString(file, "{}");
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), file);
        assertThat(failure(link).getMessage()).contains("no such connection");
    }
}
