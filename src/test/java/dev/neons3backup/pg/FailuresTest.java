package dev.neons3backup.pg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a user reads when pg_dump or psql fails: one line, the database, a hint, no password. */
class FailuresTest {

  @Test
  void namesTheDatabaseAndTheFirstErrorLineWithoutTheProgramPrefix() {
    String stderr =
        "pg_dump: error: connection to server at \"db.example\" (10.0.0.1), port 5432 failed:"
            + " FATAL:  password authentication failed for user \"app\"";
    assertThat(Failures.describe("orders", stderr, "s3cret"))
        .isEqualTo(
            "database 'orders': connection to server at \"db.example\" (10.0.0.1), port 5432"
                + " failed: FATAL:  password authentication failed for user \"app\""
                + " — check the user and password in its URL");
  }

  @Test
  void picksTheErrorOutOfAJoinedStderrTail() {
    String stderr = "pg_dump: last built-in OID is 16383 | pg_dump: error: query failed: ERROR:  x";
    assertThat(Failures.describe("db", stderr, null))
        .isEqualTo("database 'db': query failed: ERROR:  x");
  }

  @Test
  void anEmptyStderrStillSaysTheCommandFailed() {
    assertThat(Failures.describe("db", "  \n", ""))
        .isEqualTo("database 'db': the command failed without a message");
  }

  @Test
  void aLineWithoutErrorMarkersIsShownAsItIs() {
    assertThat(Failures.describe("db", "psql: killed\n", "")).isEqualTo("database 'db': killed");
  }

  @Test
  void aLongLineIsCutAt400Characters() {
    String line = "ERROR: " + "x".repeat(1000);
    String text = Failures.describe("db", line, "");
    assertThat(text).endsWith("…").hasSize("database 'db': ".length() + 400 + 1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "FATAL:  password authentication failed for user \"u\"|check the user and password in its URL",
        "fe_sendauth: no password supplied|check the user and password in its URL",
        "FATAL:  database \"nope\" does not exist|check the database name at the end of its URL",
        "error: could not translate host name \"nohost\" to address|check the host name in its URL",
        "error: connection failed: Connection refused|"
            + "check the host and port in its URL and that the server is running and reachable",
        "error: connection failed: timeout expired|"
            + "check the host and port in its URL and that the server is running and reachable",
        "error: aborting because of server version mismatch|"
            + "install a pg_dump at least as new as the server",
        "ERROR:  permission denied for table t|"
            + "the user in its URL needs read access to every table (or use an owner role)",
      })
  void givesAHintForEachKnownCause(String stderr, String hint) {
    assertThat(Failures.describe("db", stderr, "")).endsWith(" — " + hint);
  }

  @Test
  void anUnknownCauseHasNoHint() {
    assertThat(Failures.describe("db", "ERROR:  out of memory", ""))
        .isEqualTo("database 'db': ERROR:  out of memory");
  }

  @Test
  void removesThePasswordAsWrittenAndAsPercentEncoded() {
    String password = "p@ss word/1";
    String stderr =
        "FATAL: bad password p@ss word/1 in postgresql://u:p%40ss+word%2F1@h/db"
            + " or postgresql://u:p%40ss%20word%2F1@h/db";
    String text = Failures.describe("db", stderr, password);
    assertThat(text)
        .doesNotContain(password)
        .doesNotContain("p%40ss+word%2F1")
        .doesNotContain("p%40ss%20word%2F1")
        .contains("bad password **** in postgresql://u:****@h/db or postgresql://u:****@h/db");
  }

  @Test
  void scrubLeavesTextAloneWithoutASecret() {
    assertThat(Failures.scrub("nothing secret", null)).isEqualTo("nothing secret");
    assertThat(Failures.scrub("nothing secret", "")).isEqualTo("nothing secret");
  }

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
  void aRestoresPermissionErrorsGetARestoresAdviceNotPgDumps() {
    assertThat(Failures.describe("db", "ERROR:  permission denied to create database", "pw"))
        .contains("needs the CREATEDB privilege")
        .doesNotContain("read access");
    assertThat(
            Failures.describe(
                "db", "psql:<stdin>:30: ERROR:  permission denied for schema public", "pw"))
        .contains("needs CREATE on that schema")
        .doesNotContain("read access");
    assertThat(Failures.describe("db", "ERROR:  permission denied for table t", "pw"))
        .contains("read access");
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
