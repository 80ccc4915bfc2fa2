package dev.neons3backup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.io.Compression;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every environment variable Settings reads: its default, its parsing and its one-line error. */
class SettingsTest {

  @Test
  void anEmptyEnvironmentGivesTheDocumentedDefaults() {
    Settings s = Settings.from(Map.of());
    assertThat(s.bucket()).isEmpty();
    assertThat(s.secretName()).isEmpty();
    assertThat(s.concurrency()).isEqualTo(2);
    assertThat(s.compression()).isEqualTo(Compression.GZIP);
    assertThat(s.compressionLevel()).isEmpty();
    assertThat(s.effectiveCompressionLevel()).isEqualTo(6);
    assertThat(s.compressionThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(s.pgBinDirs()).isEmpty();
    assertThat(s.deadlineMargin()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.connectAttempts()).isEqualTo(4);
    assertThat(s.connectBackoff()).isEqualTo(Duration.ofMillis(2000));
    assertThat(s.metricsNamespace()).isEqualTo("NeonS3Backup");
    assertThat(s.s3Endpoint()).isEmpty();
    assertThat(s.secretsEndpoint()).isEmpty();
    assertThat(s.region()).isEmpty();
    assertThat(s.databaseUrl()).isEmpty();
    assertThat(s.staleUploadAge()).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void readsEveryVariableItDocuments() {
    Map<String, String> env = new HashMap<>();
    env.put("S3_BUCKET", "my-backups");
    env.put("SECRET_NAME", "neon-db-backup-urls");
    env.put("BACKUP_CONCURRENCY", "5");
    env.put("BACKUP_COMPRESSION", "zstd");
    env.put("BACKUP_COMPRESSION_LEVEL", "19");
    env.put("BACKUP_COMPRESSION_THREADS", "3");
    env.put("PG_BIN_DIRS", "/opt/pg17/bin: /opt/pg16/bin ::");
    env.put("BACKUP_DEADLINE_MARGIN_SECONDS", "90");
    env.put("BACKUP_CONNECT_ATTEMPTS", "7");
    env.put("BACKUP_CONNECT_BACKOFF_MS", "150");
    env.put("METRICS_NAMESPACE", "Nightly");
    env.put("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9090");
    env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:9091/");
    env.put("AWS_REGION", "eu-central-1");
    env.put("DATABASE_URL", "postgresql://u@h/db");
    env.put("STALE_UPLOAD_SECONDS", "2");

    Settings s = Settings.from(env);

    assertThat(s.bucket()).isEqualTo("my-backups");
    assertThat(s.secretName()).isEqualTo("neon-db-backup-urls");
    assertThat(s.concurrency()).isEqualTo(5);
    assertThat(s.compression()).isEqualTo(Compression.ZSTD);
    assertThat(s.compressionLevel()).contains(19);
    assertThat(s.compressionThreads()).isEqualTo(3);
    assertThat(s.pgBinDirs()).containsExactly(Path.of("/opt/pg17/bin"), Path.of("/opt/pg16/bin"));
    assertThat(s.deadlineMargin()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.connectAttempts()).isEqualTo(7);
    assertThat(s.connectBackoff()).isEqualTo(Duration.ofMillis(150));
    assertThat(s.metricsNamespace()).isEqualTo("Nightly");
    assertThat(s.s3Endpoint()).contains(URI.create("http://127.0.0.1:9090"));
    assertThat(s.secretsEndpoint()).contains(URI.create("http://127.0.0.1:9091/"));
    assertThat(s.region()).contains("eu-central-1");
    assertThat(s.databaseUrl()).contains("postgresql://u@h/db");
    assertThat(s.staleUploadAge()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void blankValuesCountAsUnsetAndValuesAreTrimmed() {
    Settings s =
        Settings.from(Map.of("S3_BUCKET", "  ", "BACKUP_CONCURRENCY", " 3 ", "AWS_REGION", ""));
    assertThat(s.bucket()).isEmpty();
    assertThat(s.concurrency()).isEqualTo(3);
    assertThat(s.region()).isEmpty();
  }

  @Test
  void theGenericEndpointServesBothClientsUnlessASpecificOneIsSet() {
    Settings generic = Settings.from(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"));
    assertThat(generic.s3Endpoint()).contains(URI.create("http://127.0.0.1:4566"));
    assertThat(generic.secretsEndpoint()).contains(URI.create("http://127.0.0.1:4566"));

    Settings specific =
        Settings.from(
            Map.of(
                "AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
                "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9090"));
    assertThat(specific.s3Endpoint()).contains(URI.create("http://127.0.0.1:9090"));
    assertThat(specific.secretsEndpoint()).contains(URI.create("http://127.0.0.1:4566"));
  }

  @Test
  void theRegionFallsBackToAwsDefaultRegion() {
    assertThat(Settings.from(Map.of("AWS_DEFAULT_REGION", "us-west-2")).region())
        .contains("us-west-2");
    assertThat(
            Settings.from(Map.of("AWS_DEFAULT_REGION", "us-west-2", "AWS_REGION", "eu-west-1"))
                .region())
        .contains("eu-west-1");
  }

  @Test
  void aLevelIsCheckedAgainstTheChosenCompression() {
    assertThat(Settings.from(Map.of("BACKUP_COMPRESSION_LEVEL", "9")).compressionLevel())
        .contains(9);
    assertThat(Settings.from(Map.of("BACKUP_COMPRESSION", "ZSTD")).effectiveCompressionLevel())
        .isEqualTo(3);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "BACKUP_CONCURRENCY|two|BACKUP_CONCURRENCY is 'two'; it must be a whole number.",
        "BACKUP_CONCURRENCY|0|BACKUP_CONCURRENCY is 0; it must be between 1 and 64.",
        "BACKUP_CONCURRENCY|65|BACKUP_CONCURRENCY is 65; it must be between 1 and 64.",
        "BACKUP_COMPRESSION_THREADS|-1|"
            + "BACKUP_COMPRESSION_THREADS is -1; it must be between 1 and 64.",
        "BACKUP_COMPRESSION_THREADS|1.5|"
            + "BACKUP_COMPRESSION_THREADS is '1.5'; it must be a whole number.",
        "BACKUP_DEADLINE_MARGIN_SECONDS|3601|"
            + "BACKUP_DEADLINE_MARGIN_SECONDS is 3601; it must be between 1 and 3600.",
        "BACKUP_CONNECT_ATTEMPTS|21|BACKUP_CONNECT_ATTEMPTS is 21; it must be between 1 and 20.",
        "STALE_UPLOAD_SECONDS|0|STALE_UPLOAD_SECONDS is 0; it must be between 1 and 604800.",
        "BACKUP_CONNECT_BACKOFF_MS|60001|"
            + "BACKUP_CONNECT_BACKOFF_MS is 60001; it must be between 1 and 60000.",
        "BACKUP_COMPRESSION|brotli|"
            + "BACKUP_COMPRESSION: compression 'brotli' is unknown; use gzip or zstd.",
        "BACKUP_COMPRESSION_LEVEL|high|"
            + "BACKUP_COMPRESSION_LEVEL is 'high'; it must be a whole number.",
        "BACKUP_COMPRESSION_LEVEL|12|"
            + "BACKUP_COMPRESSION_LEVEL: gzip compression level 12 is out of range 1–9.",
        "AWS_ENDPOINT_URL_S3|localhost:9090|"
            + "AWS_ENDPOINT_URL_S3 is 'localhost:9090'; it must be a URL such as"
            + " http://127.0.0.1:9090.",
        "AWS_ENDPOINT_URL_SECRETS_MANAGER|not a url|"
            + "AWS_ENDPOINT_URL_SECRETS_MANAGER is 'not a url'; it must be a URL such as"
            + " http://127.0.0.1:9090.",
      })
  void aBadValueIsAOneLineConfigurationErrorNamingTheVariable(
      String variable, String value, String message) {
    assertThatThrownBy(() -> Settings.from(Map.of(variable, value)))
        .isInstanceOfSatisfying(
            BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIG))
        .hasMessage(message);
  }

  @Test
  void aGenericEndpointThatIsNoUrlNamesTheClientThatWouldUseIt() {
    assertThatThrownBy(() -> Settings.from(Map.of("AWS_ENDPOINT_URL", "::")))
        .isInstanceOf(BackupException.class)
        .hasMessageStartingWith("AWS_ENDPOINT_URL_S3 is '::'");
  }

  @Test
  void flagsOverrideTheEnvironmentAndAreChecked() {
    Settings env =
        Settings.from(Map.of("BACKUP_COMPRESSION", "zstd", "BACKUP_COMPRESSION_LEVEL", "15"));

    Settings gzip =
        env.withOverrides(
            Optional.of(4), Optional.of(Compression.GZIP), Optional.empty(), Optional.of(2));
    assertThat(gzip.concurrency()).isEqualTo(4);
    assertThat(gzip.compression()).isEqualTo(Compression.GZIP);
    assertThat(gzip.compressionLevel()).as("a level of another algorithm is dropped").isEmpty();
    assertThat(gzip.compressionThreads()).isEqualTo(2);

    Settings kept =
        env.withOverrides(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    assertThat(kept.compressionLevel()).contains(15);

    assertThatThrownBy(
            () ->
                env.withOverrides(
                    Optional.of(0), Optional.empty(), Optional.empty(), Optional.empty()))
        .hasMessage("--concurrency is 0; it must be between 1 and 64.");
    assertThatThrownBy(
            () ->
                env.withOverrides(
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(65)))
        .hasMessage("--threads is 65; it must be between 1 and 64.");
  }

  @Test
  void theShrinkThresholdIsAPercentageWithZeroForOff() {
    assertThat(Settings.from(Map.of()).shrinkThresholdPercent()).isEqualTo(50);
    assertThat(Settings.from(Map.of("SHRINK_THRESHOLD_PERCENT", "0")).shrinkThresholdPercent())
        .isZero();
    assertThat(Settings.from(Map.of()).withShrinkThreshold(30).shrinkThresholdPercent())
        .isEqualTo(30);
    assertThatThrownBy(() -> Settings.from(Map.of("SHRINK_THRESHOLD_PERCENT", "101")))
        .hasMessage(
            "SHRINK_THRESHOLD_PERCENT is 101; it must be a percentage from 0 (off) to 100.");
    assertThatThrownBy(() -> Settings.from(Map.of("SHRINK_THRESHOLD_PERCENT", "half")))
        .hasMessage("SHRINK_THRESHOLD_PERCENT is 'half'; it must be a whole number.");
    assertThatThrownBy(() -> Settings.from(Map.of()).withShrinkThreshold(-1))
        .hasMessageStartingWith("--shrink-threshold is -1;");
  }

  @Test
  void theAlarmTopicAndItsEndpointAreRead() {
    Settings s =
        Settings.from(
            Map.of(
                "ALARM_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:alarms",
                "AWS_ENDPOINT_URL_SNS", "http://127.0.0.1:9911"));
    assertThat(s.alarmTopicArn()).contains("arn:aws:sns:eu-west-1:123456789012:alarms");
    assertThat(s.snsEndpoint()).contains(URI.create("http://127.0.0.1:9911"));
    assertThat(Settings.from(Map.of()).alarmTopicArn()).isEmpty();
  }
}
