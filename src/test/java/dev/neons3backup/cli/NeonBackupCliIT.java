package dev.neons3backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.cli.CliProcess.Result;
import dev.neons3backup.testing.NeonApiEmulator;
import dev.neons3backup.testing.NeonApiEmulator.KeyKind;
import dev.neons3backup.testing.PostgresCluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup} with Neon discovery, through the CLI's own entry point, against the Neon API
 * emulator (whose computes are the local cluster) and a local store; pg_dump and psql run through
 * wrappers that log their argv.
 */
class NeonBackupCliIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final String KEY = "napi_backup0123456789abcdefSECRET";
  private static final String ROLE = "nbk_owner";
  private static final String ROLE_PW = "NbkRolePw24680xyz";
  private static final String PROJECT = "red-moon-333";
  private static final String BRANCH = "br-red-main";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;
  private NeonApiEmulator neon;
  private NeonApiEmulator.Branch main;
  private Path bin;

  @BeforeEach
  void emulator() throws IOException {
    for (String db : List.of("nbk_orders", "nbk_users", "nbk_new")) {
      PG.psql("postgres", "DROP DATABASE IF EXISTS " + db);
    }
    neon = NeonApiEmulator.on(PG);
    neon.org("org-r", "Red");
    neon.key(KEY, KeyKind.ORGANIZATION, Set.of("org-r"), null);
    neon.role(ROLE, ROLE_PW);
    main =
        neon.project("org-r", PROJECT, "red", 15)
            .branch(BRANCH, "main", true, 1024)
            .database("nbk_orders", ROLE)
            .database("nbk_users", ROLE);
    neon.project("org-r", "red-moon-333-dev", "red-dev", 15)
        .branch("br-red-dev", "main", true, 1024);
    neon.createInCluster(PG);
    PG.psql("nbk_orders", "CREATE TABLE t(id int); INSERT INTO t VALUES (1), (2)");
    PG.psql("postgres", "ALTER DATABASE nbk_orders OWNER TO " + ROLE);
    PG.psql("nbk_orders", "ALTER TABLE t OWNER TO " + ROLE);
    bin = loggingBinDir();
  }

  @AfterEach
  void stop() {
    neon.close();
  }

  private static String name(String db) {
    return PROJECT + "." + BRANCH + "." + db;
  }

  private String store() {
    return "file:" + work.resolve("store");
  }

  private Result run(Map<String, String> env, String... args) {
    Map<String, String> all = new HashMap<>(env);
    all.put("PG_BIN_DIRS", bin.toString());
    return CliInProcess.run(work, all, args);
  }

  private Map<String, String> neonEnv() {
    return Map.of("NEON_API_KEY", KEY, "NEON_API_URL", neon.url());
  }

  /** The secret's shape: one listed database, and the neon object with the key in it. */
  private Path secretFile() throws IOException {
    String listed = PG.url(ROLE, ROLE_PW, "nbk_orders").replace("postgresql://", "postgres://");
    String json =
        "{\"databases\": [{\"name\": \"orders-listed\", \"url\": \""
            + listed
            + "\"}], \"neon\": {\"api_key\": \""
            + KEY
            + "\", \"projects\": [\"red\"]}}";
    return Files.writeString(work.resolve("secret.json"), json);
  }

  @Test
  void aListedDatabaseAlsoDiscoveredIsBackedUpOnceAndEveryManifestRecordsItsOrigin()
      throws Exception {
    Path secret = secretFile();
    Result r =
        run(
            Map.of("NEON_API_URL", neon.url()),
            "backup",
            "--config",
            secret.toString(),
            "--store",
            store());
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out())
        .contains("ok       orders-listed")
        .contains("ok       " + name("nbk_users"))
        .doesNotContain(name("nbk_orders"))
        .contains("Backup complete: 2 succeeded, 0 failed out of 2 databases\n")
        .contains("newly discovered: " + name("nbk_users"));
    JsonNode listed = manifest("orders-listed");
    assertThat(listed.at("/neon/projectId").asText()).isEqualTo(PROJECT);
    assertThat(listed.at("/neon/branchId").asText()).isEqualTo(BRANCH);
    assertThat(listed.at("/neon/database").asText()).isEqualTo("nbk_orders");
    assertThat(listed.get("totalRows").asLong()).isEqualTo(2);
    JsonNode users = manifest(name("nbk_users"));
    assertThat(users.at("/neon/database").asText()).isEqualTo("nbk_users");
    assertThat(users.at("/neon/snapshotBranchId").isMissingNode()).isTrue();
    assertNoSecret(r.all());
  }

  @Test
  void aDatabaseAddedAndOneRemovedBetweenTwoRunsAreNamed() throws Exception {
    String earlier = Instant.now().minus(1, ChronoUnit.HOURS).toString();
    Result first =
        run(neonEnv(), "backup", "--neon", "--project", "red", "--at", earlier, "--store", store());
    assertThat(first.exit()).as(first.all()).isZero();
    assertThat(first.out())
        .contains("newly discovered: " + name("nbk_orders") + ", " + name("nbk_users"));

    main.databases.removeIf(d -> d.name().equals("nbk_users"));
    main.database("nbk_new", ROLE);
    PG.createDatabase("nbk_new");
    PG.psql("postgres", "ALTER DATABASE nbk_new OWNER TO " + ROLE);
    Result second = run(neonEnv(), "backup", "--neon", "--project", "red", "--store", store());
    assertThat(second.exit()).as(second.all()).isZero();
    assertThat(second.out())
        .contains("Backup complete: 2 succeeded, 0 failed out of 2 databases\n")
        .contains("newly discovered: " + name("nbk_new") + "\n")
        .contains("no longer discovered: " + name("nbk_users") + "\n");
    assertThat(second.err()).contains("no longer discovered: " + name("nbk_users"));

    Result json =
        run(neonEnv(), "backup", "--neon", "--project", "red", "--json", "--store", store());
    JsonNode doc = JSON.readTree(json.out());
    assertThat(doc.get("noLongerDiscovered").get(0).asText()).isEqualTo(name("nbk_users"));
    assertNoSecret(first.all() + second.all() + json.all());
  }

  @Test
  void whenTheNeonApiIsDownTheListedDatabasesAreStillBackedUpAndTheRunFails() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Path secret = secretFile();
    Result r =
        run(
            Map.of("NEON_API_URL", "http://127.0.0.1:" + closed + "/api/v2"),
            "backup",
            "--config",
            secret.toString(),
            "--store",
            store());
    assertThat(r.exit()).as(r.all()).isEqualTo(3);
    assertThat(r.out())
        .contains("ok       orders-listed")
        .contains("FAILED   Neon discovery failed: ")
        .contains("the 1 listed database(s) were still backed up")
        .contains("Backup complete: 1 succeeded, 1 failed out of 2 databases\n");
    assertNoSecret(r.all());
  }

  @Test
  void neonWithoutAnApiKeyIsAUsageErrorInOneLine() {
    Result r = run(Map.of("NEON_API_URL", neon.url()), "backup", "--neon", "--store", store());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).startsWith("error: NEON_API_KEY is not set").doesNotContain("\n");
  }

  @Test
  void selectionFlagsWithoutNeonAreAUsageError() {
    Result r =
        run(Map.of(), "backup", "--url", PG.url("postgres"), "--name", "x", "--all-branches");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).contains("add --neon").doesNotContain("\n");
  }

  private JsonNode manifest(String database) throws IOException {
    try (Stream<Path> files = Files.list(work.resolve("store").resolve(database))) {
      Path m =
          files
              .filter(p -> p.getFileName().toString().endsWith(".manifest.json"))
              .findFirst()
              .orElseThrow();
      return JSON.readTree(m.toFile());
    }
  }

  /** Neither the API key nor the role's password in the output, the store, or any client's argv. */
  private void assertNoSecret(String output) throws IOException {
    assertThat(output).doesNotContain(KEY).doesNotContain(ROLE_PW);
    String argv = Files.readString(bin.resolve("argv.log"));
    assertThat(argv).contains("pg_dump ").contains("PGPASSWORD=set");
    assertThat(argv).doesNotContain(KEY).doesNotContain(ROLE_PW);
    try (Stream<Path> all = Files.walk(work.resolve("store"))) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        if (p.getFileName().toString().endsWith(".json")) {
          assertThat(Files.readString(p))
              .as(p.toString())
              .doesNotContain(KEY)
              .doesNotContain(ROLE_PW);
        }
      }
    }
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
              + "\nexec "
              + PG.binDir().resolve(tool)
              + " \"$@\"\n");
      script.toFile().setExecutable(true);
    }
    return dir;
  }
}
