package dev.neons3backup.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupException;
import dev.neons3backup.fleet.WorkItem.Listed;
import dev.neons3backup.fleet.WorkItem.Neon;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WorkItemTest {
  private static final Instant RUN = Instant.parse("2026-12-02T03:00:00Z");

  @Test
  void aListedItemSurvivesTheRoundTrip() {
    WorkItem item = new WorkItem(RUN, "app-prod", new Listed("app-prod"), false);
    assertThat(WorkItem.parse(item.toJson())).isEqualTo(item);
  }

  @Test
  void aNeonItemSurvivesTheRoundTrip() {
    WorkItem item =
        new WorkItem(
            RUN,
            "proj-main-neondb",
            new Neon("round-king-123", "br-abc-1", "neondb", "owner"),
            true);
    assertThat(WorkItem.parse(item.toJson())).isEqualTo(item);
  }

  @Test
  void theBodyHasTheContractsShape() {
    String json = new WorkItem(RUN, "a", new Listed("a"), false).toJson();
    assertThat(json)
        .isEqualTo(
            "{\"v\":1,\"run\":\"2026-12-02T03:00:00Z\",\"name\":\"a\","
                + "\"source\":{\"kind\":\"listed\",\"entry\":\"a\"},\"snapshot\":false}");
  }

  @Test
  void aUrlWithAPasswordCanNeverBePutInAnItem() {
    String url = "postgres://owner:s3cretPw@ep-x.neon.tech/neondb";
    assertThatThrownBy(() -> new Listed(url))
        .isInstanceOf(BackupException.class)
        .message()
        .doesNotContain("s3cretPw");
    assertThatThrownBy(() -> new Neon("p", "br", url, "owner"))
        .isInstanceOf(BackupException.class)
        .message()
        .doesNotContain("s3cretPw");
    assertThatThrownBy(() -> new Neon("p", "br", "db", "owner:s3cretPw@h"))
        .message()
        .doesNotContain("s3cretPw");
    assertThatThrownBy(() -> new WorkItem(RUN, url, new Listed("a"), false))
        .isInstanceOf(BackupException.class);
  }

  @Test
  void aMessageCarryingAUrlIsRefusedWithoutRepeatingIt() {
    String body =
        "{\"v\":1,\"run\":\"2026-12-02T03:00:00Z\",\"name\":\"a\",\"source\":{\"kind\":\"listed\","
            + "\"entry\":\"postgres://u:s3cretPw@h/db\"},\"snapshot\":false}";
    assertThatThrownBy(() -> WorkItem.parse(body)).message().doesNotContain("s3cretPw");
  }

  @Test
  void refusesUnknownFieldsOtherVersionsAndWrongTypes() {
    String good = new WorkItem(RUN, "a", new Listed("a"), false).toJson();
    assertThatThrownBy(() -> WorkItem.parse(good.replace("\"v\":1", "\"v\":2")))
        .hasMessageContaining("'v'");
    assertThatThrownBy(() -> WorkItem.parse(good.replace("\"snapshot\"", "\"url\"")))
        .hasMessageContaining("unknown field");
    assertThatThrownBy(() -> WorkItem.parse(good.replace("\"entry\"", "\"url\"")))
        .hasMessageContaining("unknown field");
    assertThatThrownBy(() -> WorkItem.parse(good.replace("false", "\"false\"")))
        .hasMessageContaining("'snapshot'");
    assertThatThrownBy(() -> WorkItem.parse(good.replace("2026-12-02T03:00:00Z", "tonight")))
        .hasMessageContaining("'run'");
    assertThatThrownBy(() -> WorkItem.parse(good.replace("listed", "other")))
        .hasMessageContaining("kind");
    assertThatThrownBy(() -> WorkItem.parse("not json")).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> WorkItem.parse("[]")).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> WorkItem.parse(null)).isInstanceOf(BackupException.class);
  }

  @Test
  void refusesAReservedOrUnsafeBackupName() {
    assertThatThrownBy(() -> new WorkItem(RUN, "_runs/x", new Listed("a"), false))
        .isInstanceOf(BackupException.class);
  }
}
