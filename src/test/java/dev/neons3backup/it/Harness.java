package dev.neons3backup.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.BackupService;
import dev.neons3backup.config.SecretTargets;
import dev.neons3backup.config.Settings;
import dev.neons3backup.lambda.BackupHandler;
import dev.neons3backup.lambda.EmbeddedMetrics;
import dev.neons3backup.store.S3BackupStore;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.S3MockServer;
import dev.neons3backup.testing.SecretsManagerStub;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Builds the real service and handler against the shared local servers, one bucket per test. */
final class Harness {
  static final PostgresCluster PG = PostgresCluster.shared();
  static final S3MockServer S3 = S3MockServer.shared();
  static final SecretsManagerStub SECRETS = SecretsManagerStub.shared();

  final String bucket = "it-" + UUID.randomUUID().toString().substring(0, 8);
  final String secretId = "secret-" + bucket;
  final ByteArrayOutputStream metricsOut = new ByteArrayOutputStream();
  final Map<String, String> env = new HashMap<>();

  Harness() {
    S3.createBucket(bucket);
    env.put("S3_BUCKET", bucket);
    env.put("SECRET_NAME", secretId);
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ENDPOINT_URL_S3", S3.endpoint().toString());
    env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", SECRETS.endpoint().toString());
    env.put("BACKUP_CONNECT_ATTEMPTS", "2");
    env.put("BACKUP_CONNECT_BACKOFF_MS", "100");
  }

  static S3Client s3() {
    return S3.client();
  }

  /** A fresh database loaded with {@code sql}; its name is unique to the test run. */
  static String database(String prefix, String sql) {
    String db = prefix + "_" + UUID.randomUUID().toString().substring(0, 6);
    db = db.toLowerCase(Locale.ROOT).replace('-', '_');
    PG.createDatabase(db);
    if (sql != null && !sql.isEmpty()) {
      PG.psql(db, sql);
    }
    return db;
  }

  static String fixture(String name) {
    try (InputStream in = Harness.class.getResourceAsStream("/fixtures/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  void secret(String json) {
    SECRETS.putSecret(secretId, json);
  }

  static String secretJson(Map<String, String> nameToUrl) {
    StringBuilder b = new StringBuilder("{\"databases\": [");
    String sep = "";
    for (var e : nameToUrl.entrySet()) {
      b.append(sep)
          .append("{\"name\": \"")
          .append(e.getKey())
          .append("\", \"url\": \"")
          .append(e.getValue())
          .append("\"}");
      sep = ", ";
    }
    return b.append("]}").toString();
  }

  Settings settings() {
    return Settings.from(env);
  }

  BackupService service() {
    return service(settings().s3Endpoint().orElseThrow());
  }

  BackupService service(URI s3Endpoint) {
    return service(s3Endpoint, bucket);
  }

  BackupService service(URI s3Endpoint, String bucketName) {
    Settings settings = settings();
    S3Client client = S3.clientBuilder().endpointOverride(s3Endpoint).build();
    S3BackupStore store =
        new S3BackupStore(client, bucketName, "", S3BackupStore.DEFAULT_PART_SIZE);
    return new BackupService(store, settings, Clock.systemUTC());
  }

  BackupHandler handler() {
    return handler(service());
  }

  BackupHandler handler(BackupService service) {
    BackupHandler.TargetSource targets = () -> SecretTargets.load(SECRETS.client(), secretId);
    EmbeddedMetrics metrics =
        new EmbeddedMetrics(
            "NeonS3Backup",
            new PrintStream(metricsOut, true, StandardCharsets.UTF_8),
            Clock.systemUTC());
    return new BackupHandler(service, targets, metrics);
  }

  static JsonNode json(String line) {
    try {
      return new ObjectMapper().readTree(line);
    } catch (IOException e) {
      throw new AssertionError(line, e);
    }
  }

  String metrics() {
    return metricsOut.toString(StandardCharsets.UTF_8);
  }

  List<String> keys() {
    return s3().listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream()
        .map(S3Object::key)
        .sorted()
        .toList();
  }

  List<MultipartUpload> openUploads() {
    return s3().listMultipartUploads(r -> r.bucket(bucket)).uploads();
  }

  byte[] get(String key) {
    return s3().getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
  }

  /** A directory whose pg_dump is a script around the real one, for fault injection. */
  static Path wrapperBinDir(String pgDumpScript) {
    try {
      Path dir = Files.createTempDirectory("pgbin");
      Path real = Path.of("/usr/lib/postgresql/15/bin");
      Path script = dir.resolve("pg_dump");
      Files.writeString(
          script,
          "#!/bin/bash\nREAL="
              + real.resolve("pg_dump")
              + "\ncase \"$1\" in --version|-V) exec \"$REAL\" \"$@\";; esac\n"
              + pgDumpScript
              + "\n");
      script.toFile().setExecutable(true);
      Files.createSymbolicLink(dir.resolve("psql"), real.resolve("psql"));
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
