package dev.neons3backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.cli.CliProcess.Result;
import dev.neons3backup.testing.NeonApiEmulator;
import dev.neons3backup.testing.NeonApiEmulator.KeyKind;
import dev.neons3backup.testing.PostgresCluster;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code discover} through the CLI's own entry point, against the Neon API emulator. */
class DiscoverCliIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final String KEY = "napi_cli0123456789abcdefsecret";
  private static final String ROLE_PW = "CliRolePw13579";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;
  private NeonApiEmulator neon;

  @BeforeEach
  void emulator() {
    neon = NeonApiEmulator.on(PG);
    neon.org("org-a", "Acme");
    neon.key(KEY, KeyKind.ORGANIZATION, Set.of("org-a"), null);
    neon.role("cli_owner", ROLE_PW);
    neon.project("org-a", "green-leaf-111", "shop", 16)
        .branch("br-shop-main", "main", true, 52_428_800)
        .database("orders", "cli_owner")
        .database("catalog", "cli_owner");
    neon.project("org-a", "blue-sky-222", "blog", 15)
        .branch("br-blog-main", "main", true, 1024)
        .database("posts", "cli_owner");
  }

  @AfterEach
  void stop() {
    neon.close();
  }

  private Result run(Map<String, String> env, String... args) {
    return CliInProcess.run(work, env, args);
  }

  private Map<String, String> env() {
    return Map.of("NEON_API_KEY", KEY, "NEON_API_URL", neon.url());
  }

  @Test
  void discoverJsonListsWhatWouldBeBackedUpWithoutSecrets() throws Exception {
    Result r = run(env(), "discover", "--json", "-v", "--project", "shop");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode rows = JSON.readTree(r.out());
    assertThat(rows).hasSize(2);
    JsonNode first = rows.get(0);
    assertThat(first.get("name").asText()).isEqualTo("green-leaf-111.br-shop-main.catalog");
    assertThat(first.get("project").asText()).isEqualTo("shop");
    assertThat(first.get("branch").asText()).isEqualTo("main");
    assertThat(first.get("database").asText()).isEqualTo("catalog");
    assertThat(first.get("pg_version").asInt()).isEqualTo(16);
    assertThat(first.get("branch_logical_size").asLong()).isEqualTo(52_428_800);
    assertThat(r.out() + r.err()).doesNotContain(KEY).doesNotContain(ROLE_PW);
  }

  @Test
  void discoverPrintsATable() {
    Result r = run(env(), "discover", "--database", "!catalog");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("NAME")
        .contains("blue-sky-222.br-blog-main.posts")
        .contains("green-leaf-111.br-shop-main.orders")
        .doesNotContain("catalog")
        .contains("2 databases");
    assertThat(r.out() + r.err()).doesNotContain(KEY).doesNotContain(ROLE_PW);
  }

  @Test
  void aMissingApiKeyIsAUsageErrorInOneLine() {
    Result r = run(Map.of("NEON_API_URL", neon.url()), "discover");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).startsWith("error: NEON_API_KEY is not set").doesNotContain("\n");
  }

  @Test
  void aRefusedKeyIsAUsageErrorThatDoesNotShowIt() {
    Result r =
        run(
            Map.of("NEON_API_KEY", "napi_revoked42424242", "NEON_API_URL", neon.url()),
            "discover",
            "-v");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("the Neon API key was refused")
        .doesNotContain("napi_revoked42424242");
  }
}
