package dev.neons3backup.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

  @Test
  void refusesAPolicyThatCouldDeleteEveryBackup() {
    assertThatThrownBy(() -> new RetentionPolicy(0, 30, 4, 12))
        .isInstanceOf(BackupException.class)
        .hasMessage(
            "--keep-last must be at least 1: prune never deletes the newest backup of a database")
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.CONFIG));
  }

  @Test
  void refusesNegativeCountsNamingTheOption() {
    assertThatThrownBy(() -> new RetentionPolicy(1, -1, 0, 0))
        .hasMessage("--keep-days must be 0 or more, got -1");
    assertThatThrownBy(() -> new RetentionPolicy(1, 0, -2, 0))
        .hasMessage("--keep-weekly must be 0 or more, got -2");
    assertThatThrownBy(() -> new RetentionPolicy(1, 0, 0, -3))
        .hasMessage("--keep-monthly must be 0 or more, got -3");
  }

  @Test
  void acceptsZeroForEveryRuleButKeepLast() {
    assertThat(new RetentionPolicy(1, 0, 0, 0).keepLast()).isEqualTo(1);
  }

  @Test
  void checksKeepLastBeforeTheOtherRules() {
    assertThatThrownBy(() -> new RetentionPolicy(-1, -1, -1, -1))
        .hasMessageStartingWith("--keep-last must be at least 1");
  }
}
