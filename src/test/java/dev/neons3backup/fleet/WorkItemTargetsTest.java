package dev.neons3backup.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupException;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.config.TargetList;
import dev.neons3backup.fleet.WorkItem.Listed;
import dev.neons3backup.fleet.WorkItem.Neon;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkItemTargetsTest {
  private static final Instant RUN = Instant.parse("2026-12-02T03:00:00Z");
  private static final String URL = "postgresql://u:Secr3tPw@db.example:5432/app";
  private static final WorkItemTargets TARGETS = WorkItemTargets.fromEnvironment(Map.of());

  private static final DatabaseTarget APP = DatabaseTarget.of("app", URL);

  private static TargetList secret() {
    return new TargetList(
        List.of(APP),
        List.of(new TargetList.Rejected(1, "bad", "database 'bad': its url is not a URL.")),
        Optional.empty());
  }

  @Test
  void aListedItemTakesTheSecretsEntryUnderItsOwnName() {
    DatabaseTarget t =
        TARGETS.target(new WorkItem(RUN, "app-copy", new Listed("app"), false), secret());
    assertThat(t.name()).isEqualTo("app-copy");
    assertThat(t.url()).isSameAs(APP.url());
  }

  @Test
  void anEntryNoLongerInTheSecretIsOneLineNamingTheDatabase() {
    assertThatThrownBy(
            () -> TARGETS.target(new WorkItem(RUN, "gone", new Listed("gone"), false), secret()))
        .isInstanceOf(BackupException.class)
        .hasMessage(
            "database gone: entry 'gone' is not in the secret's databases list any more; the plan"
                + " is out of date.");
  }

  @Test
  void aRejectedEntryGivesTheSecretsReason() {
    assertThatThrownBy(
            () -> TARGETS.target(new WorkItem(RUN, "bad", new Listed("bad"), false), secret()))
        .hasMessage("database 'bad': its url is not a URL.");
  }

  @Test
  void aNeonItemNeedsTheSecretsNeonObject() {
    WorkItem item = new WorkItem(RUN, "p.b.d", new Neon("p", "br-1", "d", "r"), false);
    assertThatThrownBy(() -> TARGETS.target(item, secret()))
        .hasMessage("database p.b.d: the secret has no neon object; add one with the API key.");
  }

  @Test
  void aSnapshotItemHasNoTargetOutsideItsSnapshotBranch() {
    WorkItem item = new WorkItem(RUN, "p.b.d", new Neon("p", "br-1", "d", "r"), true);
    assertThatThrownBy(() -> TARGETS.target(item, secret()))
        .hasMessageStartingWith("database p.b.d: a snapshot work item needs its snapshot branch");
  }
}
