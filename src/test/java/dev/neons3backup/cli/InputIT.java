package dev.neons3backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.cli.CliProcess.Result;
import dev.neons3backup.testing.AwsTestCredentials;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.SecretsManagerStub;
import dev.neons3backup.testing.TestEnv;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user writes — URLs, the databases JSON — run through the real CLI, real pg_dump and psql,
 * the Secrets Manager stub and the local PostgreSQL: every mistake is one line that quotes no
 * password, and one bad entry fails alone.
 */
class InputIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final SecretsManagerStub SECRETS = SecretsManagerStub.shared();
  private static String db;

  @TempDir Path work;

  @BeforeAll
  static void database() {
    db = "input_" + UUID.randomUUID().toString().substring(0, 6);
    PG.createDatabase(db);
    PG.psql(db, "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 100) g;");
  }

  private Result cli(Map<String, String> env, String... args) {
    return CliInProcess.run(work, env, args);
  }

  /** In a process: the AWS SDK and libpq read their variables from the process environment. */
  private Result cliProcess(Map<String, String> env, String... args) {
    return CliProcess.run(work, env, args);
  }

  private String store() {
    return "file:" + work.resolve("store");
  }

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("BACKUP_CONNECT_ATTEMPTS", "1");
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private static Map<String, String> secretsEnv() {
    return env(
        "AWS_REGION",
        AwsTestCredentials.REGION.id(),
        "AWS_ACCESS_KEY_ID",
        AwsTestCredentials.ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY",
        AwsTestCredentials.SECRET_ACCESS_KEY,
        "AWS_ENDPOINT_URL_SECRETS_MANAGER",
        SECRETS.endpoint().toString());
  }

  @Test
  void anOddPasswordReachesTheClientsOnlyThroughTheirEnvironment() throws IOException {
    List<String> passwords = List.of("Xk9m/Q2wZ?#@Lp", "a@b/c@dFGH#ij?kl", "Tz%25/Q?r#s@Wq");
    Path bin = loggingBinDir();
    Path argvLog = bin.resolve("argv.log");
    for (int i = 0; i < passwords.size(); i++) {
      String password = passwords.get(i);
      String role = "odd_" + UUID.randomUUID().toString().substring(0, 6);
      PG.psql(
          "postgres",
          "CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "' IN ROLE pg_read_all_data");
      String host = "@127.0.0.1:" + PG.port() + "/" + db;
      Map<String, String> env = env("PG_BIN_DIRS", bin.toString());

      String encoded = "postgresql://" + role + ":" + TestEnv.percentEncode(password) + host;
      Result ok = cli(env, "backup", "--url", encoded, "--name", "odd" + i, "--store", store());
      assertThat(ok.exit()).as(ok.all()).isZero();
      assertNoFragment(ok.all(), password);
      assertNoFragment(cli(env, "list", "--json", "--store", store()).all(), password);
      String argv = Files.readString(argvLog);
      assertThat(argv).contains("pg_dump ").contains("--dbname").contains("PGPASSWORD=set");
      assertNoFragment(argv, password);

      String unencoded = "postgresql://" + role + ":" + password + host;
      Result refused =
          cli(env, "backup", "--url", unencoded, "--name", "odd" + i, "--store", store());
      assertThat(refused.exit()).as(refused.all()).isEqualTo(2);
      assertThat(refused.err().strip())
          .startsWith("error: database 'odd" + i + "': the url's password (or user)")
          .contains("write / as %2F, ? as %3F, # as %23, @ as %40")
          .doesNotContain("\n");
      assertNoFragment(refused.all(), password);
      assertThat(Files.readString(argvLog)).as("no client started").isEqualTo(argv);
    }
    assertNoFragmentInStore(work.resolve("store"), passwords);
  }

  @Test
  void aSecretWithADuplicatedKeyTrailingContentOrABomIsRefusedWithOneLine() {
    String one = "{\"name\": \"a\", \"url\": \"" + PG.url(db) + "\"}";
    String two = "{\"name\": \"b\", \"url\": \"" + PG.url(db) + "\"}";
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put(
        "{\"databases\": [" + one + "], \"databases\": [" + two + "]}",
        "has \"databases\" twice in one object (line 1");
    cases.put(
        "{\"databases\": [" + one.replace("}", ", \"url\": \"" + PG.url(db) + "\"}") + "]}",
        "has \"url\" twice in one object");
    cases.put(
        "{\"databases\": [" + one + "]}\n{\"databases\": [" + two + "]}",
        "has more after its JSON object (line 2");
    cases.put("\uFEFF{\"databases\": [" + one + "]}", "starts with a byte order mark (BOM");
    for (var c : cases.entrySet()) {
      String id = "strict-" + UUID.randomUUID();
      SECRETS.putSecret(id, c.getKey());
      Result r = cliProcess(secretsEnv(), "backup", "--secret-id", id, "--store", store());
      assertThat(r.exit()).as(r.all()).isEqualTo(2);
      assertThat(r.err().strip())
          .startsWith("error: secret '" + id + "' " + c.getValue())
          .doesNotContain("\n")
          .doesNotContain(PG.superPassword());
      assertThat(work.resolve("store")).doesNotExist();
    }
  }

  @Test
  void aConfigFileWithABomOrADuplicatedKeyIsRefusedWithOneLine() throws IOException {
    String json = "{\"databases\": [{\"name\": \"a\", \"url\": \"" + PG.url(db) + "\"}]}";
    Path bom = work.resolve("bom.json");
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[body.length + 3];
    bytes[0] = (byte) 0xEF;
    bytes[1] = (byte) 0xBB;
    bytes[2] = (byte) 0xBF;
    System.arraycopy(body, 0, bytes, 3, body.length);
    Files.write(bom, bytes);
    Result r = cli(env(), "backup", "--config", bom.toString(), "--store", store());
    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo(
            "error: config file '"
                + bom
                + "' starts with a byte order mark (BOM, bytes EF BB BF); save it as UTF-8 without"
                + " a BOM (e.g. sed -i '1s/^\\xEF\\xBB\\xBF//' FILE).");

    Path twice = work.resolve("twice.json");
    Files.writeString(twice, json.replace("\"name\": \"a\"", "\"name\": \"a\", \"name\": \"b\""));
    Result d = cli(env(), "backup", "--config", twice.toString(), "--store", store());
    assertThat(d.exit()).as(d.all()).isEqualTo(2);
    assertThat(d.err().strip())
        .startsWith("error: config file '" + twice + "' has \"name\" twice in one object")
        .doesNotContain("\n");
    assertThat(work.resolve("store")).doesNotExist();
  }

  @Test
  void oneMalformedUrlFailsItsEntryAloneAndTheOthersAreBackedUp() throws IOException {
    String base = "@127.0.0.1:" + PG.port() + "/" + db;
    String id = "entries-" + UUID.randomUUID();
    SECRETS.putSecret(
        id,
        "{\"databases\": ["
            + entry("good-1", PG.url(db))
            + ", "
            + entry("bad-percent", "postgresql://postgres:pa%zzss" + base)
            + ", "
            + entry("bad-scheme", "mysql://postgres:Lq7vSecret" + base)
            + ", "
            + entry("bad-password", "postgresql://postgres:Xk9m/Q2wZ" + base)
            + ", {\"name\": \"no-url\"}, "
            + entry("good-2", PG.url(db))
            + "]}");
    Result r = cliProcess(secretsEnv(), "backup", "--secret-id", id, "--store", store());
    assertThat(r.exit()).as(r.all()).isEqualTo(3);
    assertThat(r.out())
        .contains("ok       good-1 → ", "ok       good-2 → ")
        .contains("FAILED   database 'bad-percent': the password in the url has broken percent")
        .contains("FAILED   database 'bad-scheme': the url scheme is 'mysql'")
        .contains("FAILED   database 'bad-password': the url's password (or user) contains")
        .contains("FAILED   database 'no-url' in secret '" + id + "' has no \"url\"")
        .contains("Backup complete: 2 succeeded, 4 failed out of 6 databases");
    assertThat(r.all())
        .doesNotContain(
            "pa%zzss", "zzss", "Lq7v", "Xk9m", "Q2wZ", PG.superPassword(), "127.0.0.1:");
    try (Stream<Path> dirs = Files.list(work.resolve("store"))) {
      assertThat(dirs.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("good-1", "good-2");
    }
  }

  @Test
  void aPasswordWithAnEncodedNulIsOneLineThatQuotesNoneOfIt() {
    String url = "postgresql://postgres:Rw7q%00Zt4kVb@127.0.0.1:" + PG.port() + "/" + db;
    Result restore =
        cli(
            env(),
            "restore",
            "--name",
            "any",
            "--target-url",
            url,
            "--create-database",
            "--store",
            store());
    assertThat(restore.exit()).as(restore.all()).isEqualTo(2);
    assertThat(restore.err().strip())
        .startsWith("error: database 'any': the password in the url")
        .contains("%00")
        .doesNotContain("\n", "Exception");
    Result backup = cli(env(), "backup", "--url", url, "--name", "nul", "--store", store());
    assertThat(backup.exit()).as(backup.all()).isEqualTo(2);
    assertThat(backup.err()).contains("error: database 'nul': the password in the url");
    for (Result r : List.of(restore, backup)) {
      assertThat(r.all()).doesNotContain("Rw7q", "Zt4k", "kVb");
    }
  }

  @Test
  void restoreAsAUserWithoutCreatedbSaysWhatItNeeds() {
    String role = "nocreatedb_" + UUID.randomUUID().toString().substring(0, 6);
    PG.psql("postgres", "CREATE ROLE " + role + " LOGIN PASSWORD 'Hq4-nocreate'");
    assertThat(
            cli(env(), "backup", "--url", PG.url(db), "--name", "src", "--store", store()).exit())
        .isZero();
    Result r =
        cli(
            env(),
            "restore",
            "--name",
            "src",
            "--target-url",
            PG.url(role, "Hq4-nocreate", db + "_copy"),
            "--create-database",
            "--store",
            store());
    assertThat(r.exit()).as(r.all()).isEqualTo(3);
    assertThat(r.err().strip())
        .contains("permission denied to create database")
        .contains("needs the CREATEDB privilege")
        .doesNotContain("read access", "Hq4-", "\n");
  }

  @Test
  void libpqsDefaultHostReachesTheServerThroughItsSocket() {
    String socket = PG.socketDir().toString();
    String port = Integer.toString(PG.port());
    String pw = TestEnv.percentEncode(PG.superPassword());
    Map<String, String> viaParam = env();
    Result param =
        cliProcess(
            viaParam,
            "backup",
            "--url",
            "postgresql://postgres:" + pw + "@/" + db + "?host=" + socket + "&port=" + port,
            "--name",
            "param",
            "--store",
            store());
    assertThat(param.exit()).as(param.all()).isZero();
    Result noAuthority =
        cliProcess(
            viaParam,
            "backup",
            "--url",
            "postgresql:///"
                + db
                + "?host="
                + socket
                + "&port="
                + port
                + "&user=postgres&password="
                + pw,
            "--name",
            "query-only",
            "--store",
            store());
    assertThat(noAuthority.exit()).as(noAuthority.all()).isZero();

    String defaultHost = "postgresql://postgres:" + pw + "@/" + db;
    Result pghost =
        cliProcess(
            env("PGHOST", socket, "PGPORT", port),
            "backup",
            "--url",
            defaultHost,
            "--name",
            "pghost",
            "--store",
            store());
    assertThat(pghost.exit()).as(pghost.all()).isZero();
    Result withoutPghost =
        cliProcess(
            env("PGPORT", port), "backup", "--url", defaultHost, "--name", "x", "--store", store());
    assertThat(withoutPghost.exit())
        .as("libpq's compiled-in socket directory has no server")
        .isEqualTo(3);
    assertThat(withoutPghost.out()).contains("FAILED   database 'x': ").contains("socket");
  }

  private static String entry(String name, String url) {
    return "{\"name\": \"" + name + "\", \"url\": \"" + url + "\"}";
  }

  /** pg_dump and psql wrappers that log their argv (and whether PGPASSWORD is set), then run. */
  private Path loggingBinDir() throws IOException {
    Path dir = Files.createDirectories(work.resolve("bin"));
    Path log = dir.resolve("argv.log");
    Files.writeString(log, "");
    for (String tool : List.of("pg_dump", "psql")) {
      Path script = dir.resolve(tool);
      Files.writeString(
          script,
          "#!/bin/bash\necho \""
              + tool
              + " $* PGPASSWORD=${PGPASSWORD:+set}\" >> "
              + log
              + "\n"
              + "exec /usr/lib/postgresql/15/bin/"
              + tool
              + " \"$@\"\n");
      script.toFile().setExecutable(true);
    }
    return dir;
  }

  private static void assertNoFragmentInStore(Path store, List<String> passwords)
      throws IOException {
    try (Stream<Path> files = Files.walk(store)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text;
        if (f.toString().endsWith(".gz")) {
          try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
        } else {
          text = Files.readString(f);
        }
        for (String password : passwords) {
          assertNoFragment(text, password);
        }
      }
    }
  }

  /** No run of 4 characters of {@code secret} appears in {@code text}. */
  static void assertNoFragment(String text, String secret) {
    for (int i = 0; i + 4 <= secret.length(); i++) {
      assertThat(text).as("fragment of the password").doesNotContain(secret.substring(i, i + 4));
    }
  }
}
