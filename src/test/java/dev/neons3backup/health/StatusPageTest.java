package dev.neons3backup.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusPageTest {
  private static final Instant NOW = Instant.parse("2026-11-24T08:00:00Z");

  @Test
  void escapesEveryCharacterThatCouldOpenMarkup() {
    assertThat(StatusPage.escape("<script>alert(\"x\" & 'y')</script>"))
        .isEqualTo("&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
  }

  @Test
  void aHostileDatabaseNameAndLocationAreShownAsTextOnly() {
    String name = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    DatabaseHealth h =
        new DatabaseHealth(
            name,
            Optional.of(HealthFixtures.complete(name, NOW.minusSeconds(3600), 10, 1)),
            Optional.empty(),
            0,
            Optional.empty(),
            Optional.of(HealthFixtures.drill("failed", "<b>bad</b>")),
            List.of(new DatabaseHealth.Point(NOW.minusSeconds(3600), 10, 1)));
    String page =
        StatusPage.render(List.of(new StatusRules(NOW, 26, 50).assess(h)), "file:<x>", NOW);
    assertThat(page).doesNotContain("<script").doesNotContain("<img").doesNotContain("<b>");
    assertThat(page)
        .contains(
            "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;")
        .contains("file:&lt;x&gt;")
        .contains("&lt;b&gt;bad&lt;/b&gt;");
  }

  @Test
  void drawsOneChartPerDatabaseWithNothingFetchedFromElsewhere() {
    DatabaseHealth a =
        new DatabaseHealth(
            "a",
            Optional.empty(),
            Optional.empty(),
            1,
            Optional.empty(),
            Optional.empty(),
            List.of());
    DatabaseHealth b =
        new DatabaseHealth(
            "b",
            Optional.of(HealthFixtures.complete("b", NOW.minusSeconds(60), 10, 1)),
            Optional.empty(),
            0,
            Optional.of(NOW),
            Optional.empty(),
            List.of(
                new DatabaseHealth.Point(NOW.minusSeconds(7200), 20, 2),
                new DatabaseHealth.Point(NOW.minusSeconds(60), 10, 1)));
    StatusRules rules = new StatusRules(NOW, 26, 50);
    String page = StatusPage.render(List.of(rules.assess(a), rules.assess(b)), "file:x", NOW);
    assertThat(page.split("<svg class=\"chart\"", -1)).hasSize(3);
    assertThat(page).doesNotContain("src=").doesNotContain("href=").doesNotContain("<script");
    assertThat(page).contains("<polyline class=\"raw\"").contains("no complete backup");
  }
}
