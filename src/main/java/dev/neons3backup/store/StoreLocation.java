package dev.neons3backup.store;

import dev.neons3backup.BackupException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where backups go: {@code s3://bucket[/prefix]} or {@code file:DIR}. The default is {@code
 * s3://$S3_BUCKET} when that is set, else {@code file:./backups}.
 */
public record StoreLocation(Optional<String> bucket, String prefix, Optional<Path> directory) {

  public static StoreLocation parse(String spec) {
    if (spec.startsWith("s3://")) {
      String rest = spec.substring("s3://".length());
      int slash = rest.indexOf('/');
      String bucket = slash < 0 ? rest : rest.substring(0, slash);
      String prefix = slash < 0 ? "" : trimSlashes(rest.substring(slash + 1));
      if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
        throw BackupException.config(
            "store '" + spec + "': '" + bucket + "' is not a valid S3 bucket name.");
      }
      return new StoreLocation(Optional.of(bucket), prefix, Optional.empty());
    }
    if (spec.startsWith("file:")) {
      String dir = spec.substring("file:".length());
      if (dir.startsWith("//")) {
        dir = dir.substring(2);
      }
      if (dir.isBlank()) {
        throw BackupException.config("store '" + spec + "' names no directory; use file:DIR.");
      }
      return new StoreLocation(Optional.empty(), "", Optional.of(Path.of(dir)));
    }
    throw BackupException.config(
        "store '" + spec + "' is not understood; use s3://bucket[/prefix] or file:DIR.");
  }

  public static StoreLocation defaultFor(String s3Bucket) {
    return s3Bucket.isEmpty() ? parse("file:./backups") : parse("s3://" + s3Bucket);
  }

  @Override
  public String toString() {
    return bucket
        .map(b -> "s3://" + b + (prefix.isEmpty() ? "" : "/" + prefix))
        .orElseGet(() -> "file:" + directory.orElseThrow());
  }

  private static String trimSlashes(String s) {
    return s.replaceAll("^/+", "").replaceAll("/+$", "");
  }
}
