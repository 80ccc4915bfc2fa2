package dev.neons3backup.pg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailuresTest {
  @Test
  void keepsPostgresHintAfterTheError() {
    String stderr =
        "psql:<stdin>:4242: ERROR:  out of shared memory"
            + " | HINT:  You might need to increase max_locks_per_transaction.";
    assertThat(Failures.describe("big", stderr, "pw"))
        .isEqualTo(
            "database 'big': psql:<stdin>:4242: ERROR:  out of shared memory"
                + " (HINT: You might need to increase max_locks_per_transaction.)");
  }

  @Test
  void aHintOfALaterMessageIsNotTakenForTheErrorsOwn() {
    String stderr = "ERROR:  relation \"t\" does not exist | LINE 1: x | other | HINT:  unrelated";
    assertThat(Failures.describe("db", stderr, "pw")).doesNotContain("HINT");
  }

  @Test
  void theHintIsScrubbedOfThePasswordToo() {
    String stderr = "ERROR:  bad | DETAIL:  d | HINT:  try s3cr3t";
    assertThat(Failures.describe("db", stderr, "s3cr3t"))
        .isEqualTo("database 'db': ERROR:  bad (HINT: try ****)");
  }
}
