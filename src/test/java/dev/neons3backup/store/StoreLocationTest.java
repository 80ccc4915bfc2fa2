package dev.neons3backup.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoreLocationTest {

  @Test
  void anS3LocationHasABucketAndAnOptionalPrefix() {
    assertThat(StoreLocation.parse("s3://my-backups"))
        .isEqualTo(new StoreLocation(Optional.of("my-backups"), "", Optional.empty()));
    assertThat(StoreLocation.parse("s3://my-backups/nightly/eu"))
        .isEqualTo(new StoreLocation(Optional.of("my-backups"), "nightly/eu", Optional.empty()));
  }

  @Test
  void slashesAroundThePrefixAreDropped() {
    assertThat(StoreLocation.parse("s3://my-backups//nightly//").prefix()).isEqualTo("nightly");
    assertThat(StoreLocation.parse("s3://my-backups/").prefix()).isEmpty();
  }

  @Test
  void aFileLocationIsADirectoryWithOrWithoutDoubleSlash() {
    assertThat(StoreLocation.parse("file:backups").directory()).contains(Path.of("backups"));
    assertThat(StoreLocation.parse("file:///var/backups").directory())
        .contains(Path.of("/var/backups"));
    assertThat(StoreLocation.parse("file:/var/backups").bucket()).isEmpty();
  }

  @Test
  void theDefaultIsTheBucketWhenSetElseTheLocalBackupsDirectory() {
    assertThat(StoreLocation.defaultFor("my-backups").toString()).isEqualTo("s3://my-backups");
    assertThat(StoreLocation.defaultFor("").toString()).isEqualTo("file:./backups");
  }

  @Test
  void printsBackAsTheUserWroteIt() {
    assertThat(StoreLocation.parse("s3://my-backups/nightly").toString())
        .isEqualTo("s3://my-backups/nightly");
    assertThat(StoreLocation.parse("file:/var/backups").toString()).isEqualTo("file:/var/backups");
  }

  @Test
  void refusesABucketNameS3WouldRefuse() {
    assertConfigError(
        "s3://My_Bucket", "store 's3://My_Bucket': 'My_Bucket' is not a valid S3 bucket name.");
    assertConfigError("s3://", "store 's3://': '' is not a valid S3 bucket name.");
    assertConfigError("s3://ab", "store 's3://ab': 'ab' is not a valid S3 bucket name.");
  }

  @Test
  void refusesAFileLocationWithoutADirectory() {
    assertConfigError("file:", "store 'file:' names no directory; use file:DIR.");
    assertConfigError("file://", "store 'file://' names no directory; use file:DIR.");
  }

  @Test
  void refusesAnythingElseSayingWhatIsUnderstood() {
    assertConfigError(
        "/var/backups",
        "store '/var/backups' is not understood; use s3://bucket[/prefix] or file:DIR.");
    assertConfigError(
        "S3://bucket",
        "store 'S3://bucket' is not understood; use s3://bucket[/prefix] or file:DIR.");
  }

  private static void assertConfigError(String spec, String message) {
    assertThatThrownBy(() -> StoreLocation.parse(spec))
        .isInstanceOfSatisfying(
            BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIG))
        .hasMessage(message);
  }
}
