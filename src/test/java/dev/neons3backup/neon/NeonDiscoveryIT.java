package dev.neons3backup.neon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupException;
import dev.neons3backup.config.NeonSettings;
import dev.neons3backup.config.TargetList;
import dev.neons3backup.testing.NeonApiEmulator;
import dev.neons3backup.testing.NeonApiEmulator.KeyKind;
import dev.neons3backup.testing.PostgresCluster;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Discovery against the Neon API emulator, whose computes are the local PostgreSQL cluster. */
class NeonDiscoveryIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  static final String ORG_KEY = "napi_orgkey0123456789secret";
  static final String PERSONAL_KEY = "napi_personal0123456789secret";
  static final String PROJECT_KEY = "napi_projectkey0123456789secret";

  private final NeonApiEmulator neon = NeonApiEmulator.on(PG);

  @AfterEach
  void stop() {
    neon.close();
  }

  @Test
  void referencesAskForNoConnectionUri() {
    projects(5);
    NeonDiscovery.Found found =
        discovery(ORG_KEY).references(NeonSelection.everything(), () -> false);
    assertThat(found.databases()).hasSize(10);
    assertThat(found.unexamined()).isEmpty();
    assertThat(neon.calls()).doesNotContainKey("GET /projects/{project_id}/connection_uri");
  }

  @Test
  void outOfTimeDiscoveryExaminesNoFurtherProjectAndNamesTheOnesItLeftOut() {
    projects(7);
    AtomicInteger asked = new AtomicInteger();
    // Time runs out after three projects were started, in whatever order the threads take them.
    NeonDiscovery.Found found =
        discovery(ORG_KEY)
            .references(NeonSelection.everything(), () -> asked.incrementAndGet() > 3);
    assertThat(found.databases()).hasSize(6);
    assertThat(found.unexamined()).hasSize(4);
    assertThat(found.databases().stream().map(DiscoveredDatabase::projectId))
        .doesNotContainAnyElementsOf(found.unexamined());
    assertThat(neon.calls().get("GET /projects/{project_id}/branches")).isEqualTo(3);
  }

  @Test
  void theFleetsPlanNamesTheProjectsDiscoveryLeftOut() {
    projects(4);
    Map<String, String> env = Map.of("NEON_API_URL", neon.url());
    TargetResolver resolver = new TargetResolver(env, Clock.systemUTC(), Set::of);
    TargetList secret =
        new TargetList(
            List.of(),
            List.of(),
            Optional.of(
                new NeonSettings(
                    ORG_KEY, Optional.empty(), List.of(), List.of(), false, List.of(), false)));

    TargetResolver.References refs = resolver.references(secret, () -> true);

    assertThat(refs.discovered()).isEmpty();
    assertThat(refs.listed().rejected())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.name()).isEqualTo(TargetResolver.DISCOVERY_ENTRY);
              assertThat(r.reason())
                  .startsWith("Neon discovery ran out of the invocation's time: 4 project(s)")
                  .contains("proj-0", "proj-3")
                  .doesNotContain(ORG_KEY);
            });
  }

  private NeonDiscovery discovery(String key) {
    Map<String, String> e = new HashMap<>();
    e.put("NEON_API_KEY", key);
    e.put("NEON_API_URL", neon.url());
    NeonConfig config = NeonConfig.from(e);
    NeonApi api =
        new NeonApi(
            config,
            RateLimiter.forNeon(),
            new NeonApi.Retries(8, 3, Duration.ofMillis(10), Duration.ofSeconds(2)));
    return new NeonDiscovery(api, config);
  }

  private List<DiscoveredDatabase> discover(String key, NeonSelection selection, String... env) {
    Map<String, String> e = new HashMap<>();
    e.put("NEON_API_KEY", key);
    e.put("NEON_API_URL", neon.url());
    for (int i = 0; i < env.length; i += 2) {
      e.put(env[i], env[i + 1]);
    }
    NeonConfig config = NeonConfig.from(e);
    NeonApi api =
        new NeonApi(
            config,
            RateLimiter.forNeon(),
            new NeonApi.Retries(8, 3, Duration.ofMillis(10), Duration.ofSeconds(2)));
    return new NeonDiscovery(api, config).discover(selection);
  }

  /**
   * {@code n} projects of org-a, each with a default branch holding app and events, owned by one
   * role.
   */
  private void projects(int n) {
    neon.org("org-a", "Acme");
    neon.key(ORG_KEY, KeyKind.ORGANIZATION, Set.of("org-a"), null);
    neon.role("owner_a", "RolePw0123456789");
    for (int i = 0; i < n; i++) {
      NeonApiEmulator.Project p = neon.project("org-a", "proj-" + i, "Project " + i, 16);
      p.branch("br-main-" + i, "main", true, 1000L + i)
          .database("app", "owner_a")
          .database("events", "owner_a");
      p.branch("br-dev-" + i, "dev", false, 10L).database("app", "owner_a");
    }
  }

  @Test
  void followsEveryPageOfProjectsEvenWhenPagesAreShort() {
    projects(23);
    neon.pageCap = 4;
    List<DiscoveredDatabase> found = discover(ORG_KEY, NeonSelection.everything());
    assertThat(found).hasSize(46);
    assertThat(found.stream().map(DiscoveredDatabase::projectId).distinct()).hasSize(23);
    // Pages of 4 and 3 alternately: 23 projects need 7 pages, and the empty one that ends it.
    assertThat(neon.calls().get("GET /projects")).isEqualTo(8);
  }

  @Test
  void followsEveryPageOfBranches() {
    neon.org("org-a", "Acme");
    neon.key(ORG_KEY, KeyKind.ORGANIZATION, Set.of("org-a"), null);
    NeonApiEmulator.Project p = neon.project("org-a", "proj-many", "Many", 15);
    for (int i = 0; i < 25; i++) {
      p.branch("br-" + i, "b" + i, i == 0, 5).database("db", "owner_a");
    }
    neon.pageCap = 3;
    neon.branchCursorOnLastPage = true;
    List<DiscoveredDatabase> found =
        discover(ORG_KEY, NeonSelection.of(List.of(), List.of(), true, List.of()));
    assertThat(found).hasSize(25);
    assertThat(neon.calls().get("GET /projects/{project_id}/branches")).isGreaterThan(8);
  }

  @Test
  void makesAtMostThreeCallsPerDatabaseAndOneUriPerBranchRole() {
    projects(10);
    List<DiscoveredDatabase> found = discover(ORG_KEY, NeonSelection.everything());
    assertThat(found).hasSize(20);
    Map<String, Long> calls = neon.calls();
    assertThat(calls.get("GET /projects/{project_id}/connection_uri")).isEqualTo(10);
    assertThat(neon.totalCalls()).isLessThanOrEqualTo(3L * found.size());
    assertThat(neon.rateLimited()).isEmpty();
  }

  @Test
  void fetchesNothingForWhatTheSelectionLeavesOut() {
    projects(6);
    List<DiscoveredDatabase> found =
        discover(
            ORG_KEY,
            NeonSelection.of(List.of("Project 1", "proj-2"), List.of(), false, List.of("events")));
    assertThat(found)
        .extracting(DiscoveredDatabase::name)
        .containsExactly("proj-1.br-main-1.events", "proj-2.br-main-2.events");
    Map<String, Long> calls = neon.calls();
    assertThat(calls.get("GET /projects/{project_id}/branches")).isEqualTo(2);
    assertThat(calls.get("GET /projects/{project_id}/branches/{branch_id}/databases")).isEqualTo(2);
    assertThat(calls.get("GET /projects/{project_id}/connection_uri")).isEqualTo(2);
  }

  @Test
  void aBranchGlobSelectsOtherBranches() {
    projects(2);
    List<DiscoveredDatabase> found =
        discover(ORG_KEY, NeonSelection.of(List.of(), List.of("dev"), false, List.of()));
    assertThat(found)
        .extracting(DiscoveredDatabase::name)
        .containsExactly("proj-0.br-dev-0.app", "proj-1.br-dev-1.app");
  }

  @Test
  void keepsNamesWhenAProjectIsRenamed() {
    projects(2);
    List<String> before = names(discover(ORG_KEY, NeonSelection.everything()));
    neon.projects.get(0).name = "Renamed in the console";
    List<DiscoveredDatabase> after = discover(ORG_KEY, NeonSelection.everything());
    assertThat(names(after)).isEqualTo(before);
    assertThat(after.get(0).projectName()).isEqualTo("Renamed in the console");
  }

  @Test
  void personalKeyInOneOrganizationUsesIt() {
    projects(3);
    neon.key(PERSONAL_KEY, KeyKind.PERSONAL, Set.of("org-a"), null);
    assertThat(discover(PERSONAL_KEY, NeonSelection.everything())).hasSize(6);
    assertThat(neon.calls().get("GET /users/me/organizations")).isEqualTo(1);
  }

  @Test
  void personalKeyInSeveralOrganizationsNeedsNeonOrgId() {
    projects(3);
    neon.org("org-b", "Bravo");
    neon.project("org-b", "proj-b", "B", 17)
        .branch("br-b", "main", true, 1)
        .database("b_db", "owner_a");
    neon.key(PERSONAL_KEY, KeyKind.PERSONAL, Set.of("org-a", "org-b"), null);
    assertThatThrownBy(() -> discover(PERSONAL_KEY, NeonSelection.everything()))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("belongs to 2 organizations")
        .hasMessageContaining("set NEON_ORG_ID")
        .satisfies(
            e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain(PERSONAL_KEY));
    List<DiscoveredDatabase> b =
        discover(PERSONAL_KEY, NeonSelection.everything(), "NEON_ORG_ID", "org-b");
    assertThat(b).extracting(DiscoveredDatabase::name).containsExactly("proj-b.br-b.b_db");
    assertThat(b.get(0).pgVersion()).isEqualTo(17);
  }

  @Test
  void projectScopedKeySeesItsProjectOnly() {
    projects(4);
    neon.key(PROJECT_KEY, KeyKind.PROJECT, Set.of("org-a"), "proj-2");
    List<DiscoveredDatabase> found = discover(PROJECT_KEY, NeonSelection.everything());
    assertThat(found).extracting(DiscoveredDatabase::projectId).containsOnly("proj-2");
    assertThat(found).hasSize(2);
  }

  @Test
  void survivesAStormOf429s() {
    projects(3);
    neon.throttleNext(6, "0");
    assertThat(discover(ORG_KEY, NeonSelection.everything())).hasSize(6);
    assertThat(neon.rateLimited().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(6);
  }

  @Test
  void aStormThatDoesNotEndIsOneLineNotAHang() {
    projects(1);
    neon.throttleNext(1000, "0");
    assertThatThrownBy(() -> discover(ORG_KEY, NeonSelection.everything()))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("429")
        .hasMessageContaining("run again later");
  }

  @Test
  void aRefusedKeyIsNamedWithoutShowingIt() {
    projects(1);
    assertThatThrownBy(() -> discover("napi_wrongkey987654321", NeonSelection.everything()))
        .isInstanceOf(NeonApiException.class)
        .hasMessageStartingWith("the Neon API key was refused")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("napi_wrongkey987654321"));
  }

  @Test
  void discoveredUrisConnectToTheRightDatabaseAsItsOwner() throws Exception {
    neon.org("org-a", "Acme");
    neon.key(ORG_KEY, KeyKind.ORGANIZATION, Set.of("org-a"), null);
    neon.role("neon_it_owner", "OwnerPw2468");
    neon.project("org-a", "proj-c", "Connect", 15)
        .branch("br-c", "main", true, 1)
        .database("neon_it_shop", "neon_it_owner")
        .database("neon_it_blog", "neon_it_owner");
    for (String db : List.of("neon_it_shop", "neon_it_blog")) {
      PG.psql("postgres", "DROP DATABASE IF EXISTS " + db);
    }
    neon.createInCluster(PG);
    List<DiscoveredDatabase> found = discover(ORG_KEY, NeonSelection.everything());
    assertThat(found).hasSize(2);
    for (DiscoveredDatabase d : found) {
      assertThat(d.toString()).doesNotContain("OwnerPw2468");
      assertThat(d.target().toString()).doesNotContain("OwnerPw2468");
      assertThat(psql(d.connectionUri())).isEqualTo(d.database() + "|neon_it_owner");
    }
  }

  private static String psql(String uri) throws Exception {
    Process p =
        new ProcessBuilder(
                PG.binDir().resolve("psql").toString(),
                "-w",
                "-Atc",
                "select current_database() || '|' || current_user",
                uri)
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
  }

  private static List<String> names(List<DiscoveredDatabase> found) {
    return found.stream().map(DiscoveredDatabase::name).collect(Collectors.toList());
  }
}
