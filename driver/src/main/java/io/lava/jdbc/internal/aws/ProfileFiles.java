package io.lava.jdbc.internal.aws;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileLocation;
import software.amazon.awssdk.profiles.ProfileFileSupplier;

/**
 * The shared AWS config and credentials files ({@code AWS_CONFIG_FILE} / {@code aws.configFile}, else
 * {@code ~/.aws/config}; {@code AWS_SHARED_CREDENTIALS_FILE} / {@code aws.sharedCredentialsFile}, else
 * {@code ~/.aws/credentials}) as one {@link ProfileFile}, read again whenever either file was created, changed or
 * removed since the last read.
 *
 * <p>Each {@link #get()} looks at both files' existence, size and last-modified time (two {@code stat} calls, no read)
 * and parses them with the SDK's own {@link ProfileFile#defaultProfileFile()} only when that changed; otherwise it
 * returns the same instance, so that a caller tells a change by identity. Why not
 * {@link ProfileFileSupplier#defaultSupplier()} of SDK 2.57.8: it looks for the files once, when it is created, so a
 * file that did not exist then (a first {@code ~/.aws/credentials}) is never read; and its
 * {@code reloadWhenModified} suppliers look at the files at most once a second, so an edit right after a connect would
 * be missed by the next one. A file whose modification leaves size and time unchanged (two writes within the file
 * system's timestamp granularity) is not noticed until its next change. Thread-safe.
 */
final class ProfileFiles implements ProfileFileSupplier {
    /** What was seen of both files at the last read: per file its existence, size and last-modified time. */
    private List<Object> seen;
    private ProfileFile current;

    /**
     * @return the profile files as they are now; the same instance as the previous call when neither file changed
     * @throws RuntimeException what {@link ProfileFile#defaultProfileFile()} throws for a file it cannot parse (the
     *     next call tries again)
     */
    @Override
    public synchronized ProfileFile get() {
        List<Object> now = List.of(stat(ProfileFileLocation.configurationFilePath()),
                stat(ProfileFileLocation.credentialsFilePath()));
        if (current == null || !Objects.equals(now, seen)) {
            current = ProfileFile.defaultProfileFile();
            seen = now;
        }
        return current;
    }

    private static Object stat(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(file.toString(), attributes.size(), attributes.lastModifiedTime());
        } catch (NoSuchFileException e) {
            return List.of(file.toString());
        } catch (IOException e) {
            return List.of(file.toString(), e.getClass().getName());
        }
    }
}
