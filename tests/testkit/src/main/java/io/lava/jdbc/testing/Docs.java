package io.lava.jdbc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's README and the pages under {@code docs/}, for the tests that check a page against the code or run
 * its snippets. Every test that reads a page goes through here, from any module's working directory.
 *
 * <p>A section is a heading line ({@code ## Properties}, {@code ### Agroal}) and everything after it up to the next
 * heading of the same or a higher level; lines inside fenced code blocks are never headings.
 */
public final class Docs {
    private static volatile Path root;

    private Docs() {
    }

    /**
     * @return the repository root: the first directory, walking up from {@code user.dir}, that holds both
     *     {@code pom.xml} and {@code docs/}
     * @throws IllegalStateException when no such directory is found
     */
    public static Path root() {
        Path found = root;
        if (found == null) {
            Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("docs"))) {
                    found = dir;
                    break;
                }
            }
            if (found == null) {
                throw new IllegalStateException(
                        "no repository root (a directory holding pom.xml and docs/) at or above " + start);
            }
            root = found;
        }
        return found;
    }

    /**
     * @param relativePath a path from the repository root, e.g. {@code docs/connecting.md} or {@code README.md}
     * @return the file's text
     * @throws IllegalStateException when the file does not exist
     */
    public static String file(String relativePath) {
        Path file = root().resolve(relativePath);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no file " + relativePath + " in the repository (" + file + ")");
        }
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * @param relativePath a path from the repository root, e.g. {@code docs/connecting.md}
     * @param heading the section's whole heading line, e.g. {@code ## Properties} or {@code ### Agroal}
     * @return the section: its heading line and the text up to the next heading of the same or a higher level, or to
     *     the end of the file
     * @throws IllegalStateException when the file or the heading does not exist
     */
    public static String section(String relativePath, String heading) {
        return sectionOf(file(relativePath), heading, relativePath);
    }

    /**
     * {@link #section} over text already read (for a test that checks an altered copy of a page).
     *
     * @param markdown a page's text
     * @param heading the section's whole heading line
     * @return the section, as {@link #section} returns it
     * @throws IllegalStateException when the heading does not exist
     */
    public static String sectionOf(String markdown, String heading) {
        return sectionOf(markdown, heading, "the text");
    }

    private static String sectionOf(String markdown, String heading, String where) {
        int level = level(heading);
        if (level == 0) {
            throw new IllegalArgumentException("not a heading line: '" + heading + "'");
        }
        StringBuilder out = null;
        boolean fenced = false;
        for (String line : markdown.split("\n", -1)) {
            boolean fence = line.startsWith("```");
            if (!fenced && !fence) {
                int l = level(line);
                if (out != null && l > 0 && l <= level) {
                    break;
                }
                if (out == null && line.stripTrailing().equals(heading)) {
                    out = new StringBuilder();
                }
            }
            if (fence) {
                fenced = !fenced;
            }
            if (out != null) {
                out.append(line).append('\n');
            }
        }
        if (out == null) {
            throw new IllegalStateException("no section '" + heading + "' in " + where);
        }
        return out.toString();
    }

    /** @return the number of leading {@code #} of a Markdown heading line, or 0 when the line is not a heading */
    private static int level(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == '#') {
            n++;
        }
        return n > 0 && n <= 6 && line.length() > n && line.charAt(n) == ' ' ? n : 0;
    }
}
