package dev.neons3backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Lambda handler reading a secret with one bad entry, or a secret that is not strict JSON. */
class SecretEntriesIT {
  private static final Map<String, Object> EVENT = Map.of("time", "2024-05-01T02:00:00Z");

  @Test
  void aMalformedUrlFailsTheInvocationNamingItAfterTheOthersAreStored() {
    Harness h = new Harness();
    String db = Harness.database("entries", "CREATE TABLE t AS SELECT 1 AS id;");
    String bad = "postgresql://postgres:Xk9m/Q2wZ@127.0.0.1:" + Harness.PG.port() + "/" + db;
    h.secret(
        "{\"databases\": [{\"name\": \"bad\", \"url\": \""
            + bad
            + "\"}, {\"name\": \"good\", \"url\": \""
            + Harness.PG.url(db)
            + "\"}]}");
    assertThatThrownBy(() -> h.handler().handleRequest(EVENT, null))
        .isInstanceOf(BackupException.class)
        .hasMessageStartingWith("Backup failed for 1 of 2 databases: database 'bad': ")
        .hasMessageContaining("must be percent-encoded")
        .hasMessageNotContaining("Xk9m")
        .hasMessageNotContaining("Q2wZ");
    assertThat(h.keys()).anyMatch(k -> k.startsWith("good/")).noneMatch(k -> k.startsWith("bad/"));
    assertThat(h.metrics()).doesNotContain("Xk9m");
  }

  @Test
  void aDuplicatedKeyRefusesTheWholeSecret() {
    Harness h = new Harness();
    String entry = "{\"name\": \"a\", \"url\": \"" + Harness.PG.url("postgres") + "\"}";
    h.secret("{\"databases\": [" + entry + "], \"databases\": []}");
    assertThatThrownBy(() -> h.handler().handleRequest(EVENT, null))
        .isInstanceOf(BackupException.class)
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.CONFIG))
        .hasMessage(
            "secret '"
                + h.secretId
                + "' has \"databases\" twice in one object (line 1, column "
                + (entry.length() + 30)
                + "); each key may appear once: merge or remove one (nothing was backed up).");
    assertThat(h.keys()).isEmpty();
  }
}
