package dev.neons3backup.config;

import dev.neons3backup.BackupException;
import dev.neons3backup.health.Shrink;
import dev.neons3backup.io.Compression;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every setting the tool reads from the environment, read and validated here and nowhere else.
 *
 * @param bucket {@code S3_BUCKET}; empty when unset (the CLI then uses a local store)
 * @param secretName {@code SECRET_NAME}; empty when unset
 * @param concurrency {@code BACKUP_CONCURRENCY}, databases backed up at once (default 2)
 * @param compression {@code BACKUP_COMPRESSION}, gzip (default) or zstd
 * @param compressionLevel {@code BACKUP_COMPRESSION_LEVEL}; empty for the algorithm's default
 * @param compressionThreads {@code BACKUP_COMPRESSION_THREADS}, cores one stream may compress on
 *     (default: all available)
 * @param pgBinDirs {@code PG_BIN_DIRS}, extra directories holding pg_dump and psql, searched first
 * @param deadlineMargin {@code BACKUP_DEADLINE_MARGIN_SECONDS} (default 60): when a Lambda has less
 *     time left than this, no database starts and uploads in flight are aborted
 * @param connectAttempts {@code BACKUP_CONNECT_ATTEMPTS} (default 4) tries to reach a server
 * @param connectBackoff {@code BACKUP_CONNECT_BACKOFF_MS} (default 2000), first wait between tries
 * @param metricsNamespace {@code METRICS_NAMESPACE} (default NeonS3Backup)
 * @param s3Endpoint {@code AWS_ENDPOINT_URL_S3} or {@code AWS_ENDPOINT_URL}; path-style when set
 * @param secretsEndpoint {@code AWS_ENDPOINT_URL_SECRETS_MANAGER} or {@code AWS_ENDPOINT_URL}
 * @param region {@code AWS_REGION} or {@code AWS_DEFAULT_REGION}; empty lets the SDK decide
 * @param databaseUrl {@code DATABASE_URL}, the CLI's database when no other is named
 * @param staleUploadAge {@code STALE_UPLOAD_SECONDS} (default 900): a fleet worker about to back up
 *     a database whose object is not stored yet aborts the open uploads of that object started more
 *     than this long ago (a killed worker's). The default is Lambda's maximum function timeout (15
 *     minutes, a Lambda quota), so no live Lambda worker can own an upload that old.
 * @param shrinkThresholdPercent {@code SHRINK_THRESHOLD_PERCENT} (default 50, 0 disables): a backup
 *     whose raw size or rows fell by more than this since the previous one is flagged
 * @param alarmTopicArn {@code ALARM_TOPIC_ARN}, where a run's shrunken backups are announced
 * @param snsEndpoint {@code AWS_ENDPOINT_URL_SNS} or {@code AWS_ENDPOINT_URL}
 */
public record Settings(
    String bucket,
    String secretName,
    int concurrency,
    Compression compression,
    Optional<Integer> compressionLevel,
    int compressionThreads,
    List<Path> pgBinDirs,
    Duration deadlineMargin,
    int connectAttempts,
    Duration connectBackoff,
    String metricsNamespace,
    Optional<URI> s3Endpoint,
    Optional<URI> secretsEndpoint,
    Optional<String> region,
    Optional<String> databaseUrl,
    Duration staleUploadAge,
    int shrinkThresholdPercent,
    Optional<String> alarmTopicArn,
    Optional<URI> snsEndpoint) {

  public Settings {
    pgBinDirs = List.copyOf(pgBinDirs);
  }

  /** The process's environment: the one place it is read. */
  public static Settings fromEnvironment() {
    return from(System.getenv());
  }

  /** Settings from {@code env}, a map of environment variables (tests pass their own). */
  public static Settings from(Map<String, String> env) {
    Compression compression =
        named(
            "BACKUP_COMPRESSION",
            () -> Compression.parse(get(env, "BACKUP_COMPRESSION").orElse("gzip")));
    Optional<Integer> level =
        get(env, "BACKUP_COMPRESSION_LEVEL").map(v -> integer("BACKUP_COMPRESSION_LEVEL", v));
    level.ifPresent(
        l ->
            named(
                "BACKUP_COMPRESSION_LEVEL",
                () -> {
                  compression.checkLevel(l);
                  return l;
                }));
    return new Settings(
        get(env, "S3_BUCKET").orElse(""),
        get(env, "SECRET_NAME").orElse(""),
        positive(env, "BACKUP_CONCURRENCY", 2, 64),
        compression,
        level,
        positive(env, "BACKUP_COMPRESSION_THREADS", Runtime.getRuntime().availableProcessors(), 64),
        dirs(get(env, "PG_BIN_DIRS").orElse("")),
        Duration.ofSeconds(positive(env, "BACKUP_DEADLINE_MARGIN_SECONDS", 60, 3600)),
        positive(env, "BACKUP_CONNECT_ATTEMPTS", 4, 20),
        Duration.ofMillis(positive(env, "BACKUP_CONNECT_BACKOFF_MS", 2000, 60_000)),
        get(env, "METRICS_NAMESPACE").orElse("NeonS3Backup"),
        endpoint(env, "AWS_ENDPOINT_URL_S3"),
        endpoint(env, "AWS_ENDPOINT_URL_SECRETS_MANAGER"),
        get(env, "AWS_REGION").or(() -> get(env, "AWS_DEFAULT_REGION")),
        get(env, "DATABASE_URL"),
        Duration.ofSeconds(positive(env, "STALE_UPLOAD_SECONDS", 900, 7 * 24 * 3600)),
        get(env, "SHRINK_THRESHOLD_PERCENT")
            .map(v -> percent("SHRINK_THRESHOLD_PERCENT", integer("SHRINK_THRESHOLD_PERCENT", v)))
            .orElse(Shrink.DEFAULT_THRESHOLD_PERCENT),
        get(env, "ALARM_TOPIC_ARN"),
        endpoint(env, "AWS_ENDPOINT_URL_SNS"));
  }

  /** A copy with the {@code --shrink-threshold} flag applied on top of the environment. */
  public Settings withShrinkThreshold(int percent) {
    return new Settings(
        bucket,
        secretName,
        concurrency,
        compression,
        compressionLevel,
        compressionThreads,
        pgBinDirs,
        deadlineMargin,
        connectAttempts,
        connectBackoff,
        metricsNamespace,
        s3Endpoint,
        secretsEndpoint,
        region,
        databaseUrl,
        staleUploadAge,
        percent("--shrink-threshold", percent),
        alarmTopicArn,
        snsEndpoint);
  }

  /** 0 to 100: a fall of more than 100 % cannot happen, so more would silently disable it. */
  private static int percent(String name, int value) {
    if (value < 0 || value > 100) {
      throw BackupException.config(
          name + " is " + value + "; it must be a percentage from 0 (off) to 100.");
    }
    return value;
  }

  /** A copy with the CLI's flags applied on top of the environment. */
  public Settings withOverrides(
      Optional<Integer> newConcurrency,
      Optional<Compression> newCompression,
      Optional<Integer> newLevel,
      Optional<Integer> newThreads) {
    Compression c = newCompression.orElse(compression);
    Optional<Integer> level =
        newLevel.or(() -> newCompression.isPresent() ? Optional.empty() : compressionLevel);
    level.ifPresent(c::checkLevel);
    int n = newConcurrency.orElse(concurrency);
    if (n < 1 || n > 64) {
      throw BackupException.config("--concurrency is " + n + "; it must be between 1 and 64.");
    }
    int t = newThreads.orElse(compressionThreads);
    if (t < 1 || t > 64) {
      throw BackupException.config("--threads is " + t + "; it must be between 1 and 64.");
    }
    return new Settings(
        bucket,
        secretName,
        n,
        c,
        level,
        t,
        pgBinDirs,
        deadlineMargin,
        connectAttempts,
        connectBackoff,
        metricsNamespace,
        s3Endpoint,
        secretsEndpoint,
        region,
        databaseUrl,
        staleUploadAge,
        shrinkThresholdPercent,
        alarmTopicArn,
        snsEndpoint);
  }

  public int effectiveCompressionLevel() {
    return compressionLevel.orElse(compression.defaultLevel());
  }

  /** Runs {@code check}, prefixing the variable's name to the one-line error it may throw. */
  private static <T> T named(String key, Supplier<T> check) {
    try {
      return check.get();
    } catch (BackupException e) {
      throw BackupException.config(key + ": " + e.getMessage());
    }
  }

  static Optional<String> get(Map<String, String> env, String key) {
    String v = env.get(key);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  private static int positive(Map<String, String> env, String key, int dflt, int max) {
    int v = get(env, key).map(s -> integer(key, s)).orElse(dflt);
    if (v < 1 || v > max) {
      throw BackupException.config(key + " is " + v + "; it must be between 1 and " + max + ".");
    }
    return v;
  }

  private static int integer(String key, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw BackupException.config(key + " is '" + value + "'; it must be a whole number.");
    }
  }

  private static List<Path> dirs(String value) {
    List<Path> dirs = new ArrayList<>();
    for (String d : value.split(":")) {
      if (!d.isBlank()) {
        dirs.add(Path.of(d.trim()));
      }
    }
    return dirs;
  }

  static Optional<URI> endpoint(Map<String, String> env, String key) {
    Optional<String> value = get(env, key).or(() -> get(env, "AWS_ENDPOINT_URL"));
    return value.map(
        v -> {
          try {
            URI uri = URI.create(v);
            if (uri.getScheme() == null || uri.getHost() == null) {
              throw new IllegalArgumentException();
            }
            return uri;
          } catch (IllegalArgumentException e) {
            throw BackupException.config(
                key + " is '" + v + "'; it must be a URL such as http://127.0.0.1:9090.");
          }
        });
  }
}
