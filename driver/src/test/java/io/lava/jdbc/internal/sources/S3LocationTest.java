package io.lava.jdbc.internal.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.SourceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How an {@code s3://} {@code ssl_ca_file} names its bucket and key. */
class S3LocationTest {

    @Test
    void theKeyIsEverythingAfterTheBucketAsWritten() {
        assertThat(S3ObjectSource.Location.parse("s3://lava-ca/certs/rds/global-bundle.pem"))
                .isEqualTo(new S3ObjectSource.Location("lava-ca", "certs/rds/global-bundle.pem"));
        assertThat(S3ObjectSource.Location.parse("S3://lava-ca/a%20b+c.pem"))
                .isEqualTo(new S3ObjectSource.Location("lava-ca", "a%20b+c.pem"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3://lava-ca", "s3://lava-ca/", "s3:///ca.pem", "s3://"})
    void aMissingBucketOrKeyIsRefused(String uri) {
        assertThatThrownBy(() -> S3ObjectSource.Location.parse(uri))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(uri + " is not s3://<bucket>/<key>")
                .satisfies(e -> assertThat(((SourceException) e).sqlState()).isEqualTo("08001"));
    }

    @Test
    void directoryBucketsAreRefused() {
        assertThatThrownBy(() -> S3ObjectSource.Location.parse("s3://ca--use1-az4--x-s3/ca.pem"))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("directory bucket (S3 Express One Zone")
                .satisfies(e -> assertThat(((SourceException) e).sqlState()).isEqualTo("0A000"));
    }
}
