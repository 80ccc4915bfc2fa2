package dev.neons3backup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetsTest {
  private static final String URL = "postgresql://u:topsecret@h/d";

  @Test
  void readsTheDatabasesInOrder() {
    List<DatabaseTarget> targets =
        Targets.fromJson(
                "secret 's'",
                "{\"databases\": [{\"name\": \"b-prod\", \"url\": \""
                    + URL
                    + "\"},"
                    + " {\"name\": \"a.staging_1\", \"url\": \""
                    + URL
                    + "\"}]}")
            .targets();
    assertThat(targets).extracting(DatabaseTarget::name).containsExactly("b-prod", "a.staging_1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "{}",
        "{\"databases\": {}}",
        "{\"databases\": []}",
        "{\"databases\": [{\"url\": \"postgresql://u:topsecret@h/d\"}]}",
        "{\"databases\": [\"postgresql://u:topsecret@h/d\"]}",
      })
  void refusesMalformedSecretsWithOneLineThatNamesTheSecret(String json) {
    assertThatThrownBy(() -> Targets.fromJson("secret 'neon-db-backup-urls'", json))
        .isInstanceOf(BackupException.class)
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.CONFIG))
        .hasMessageContaining("neon-db-backup-urls")
        .hasMessageNotContaining("topsecret")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void refusesDuplicateNames() {
    String json =
        "{\"databases\": [{\"name\": \"app\", \"url\": \""
            + URL
            + "\"}, {\"name\": \"app\", \"url\": \""
            + URL
            + "\"}]}";
    assertThatThrownBy(() -> Targets.fromJson("secret 's'", json))
        .hasMessageContaining("'app' twice");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../x",
        "a/b",
        "",
        ".hidden",
        "tab\there",
        "nul\u0000",
        "new\nline",
        "sp ace",
        "-dash"
      })
  void refusesNamesThatAreNotSafeKeySegments(String name) {
    String json =
        "{\"databases\": [{\"name\": \""
            + name.replace("\n", "\\n").replace("\t", "\\t").replace("\u0000", "\\u0000")
            + "\", \"url\": \""
            + URL
            + "\"}]}";
    assertThatThrownBy(() -> Targets.fromJson("secret 's'", json))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("name")
        .satisfies(
            e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("topsecret"));
  }

  @Test
  void refusesNamesOver200Characters() {
    String name = "a".repeat(201);
    assertThatThrownBy(() -> DatabaseTarget.of(name, URL)).hasMessageContaining("201 characters");
    assertThat(DatabaseTarget.of("a".repeat(200), URL).name()).hasSize(200);
  }

  @Test
  void failsOnlyTheEntryWhoseUrlIsBadAndNamesIt() {
    String json =
        "{\"databases\": [{\"name\": \"a\", \"url\": \""
            + URL
            + "\"}, {\"name\": \"billing\", \"url\": \"http://u:topsecret@h/d\"},"
            + " {\"name\": \"broken\", \"url\": \"postgresql://u:top%zzsecret@h/d\"},"
            + " {\"name\": \"slash\", \"url\": \"postgresql://u:Xk9m/Q2wZ@h/d\"},"
            + " {\"name\": \"nourl\"}, {\"name\": \"empty\", \"url\": \"\"},"
            + " {\"name\": \"z\", \"url\": \""
            + URL
            + "\"}]}";
    TargetList list = Targets.fromJson("secret 's'", json);
    assertThat(list.targets()).extracting(DatabaseTarget::name).containsExactly("a", "z");
    assertThat(list.rejected())
        .extracting(TargetList.Rejected::position, TargetList.Rejected::name)
        .containsExactly(
            tuple(1, "billing"),
            tuple(2, "broken"),
            tuple(3, "slash"),
            tuple(4, "nourl"),
            tuple(5, "empty"));
    for (TargetList.Rejected r : list.rejected()) {
      assertThat(r.reason())
          .contains("database '" + r.name() + "'")
          .doesNotContain("topsecret", "zzsecret", "Xk9m", "Q2wZ", "\n", "u:", "@h/d");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"databases\": [], \"databases\": [{\"name\": \"a\", \"url\": \"" + URL + "\"}]}",
        "{\"databases\": [{\"name\": \"a\", \"url\": \"" + URL + "\", \"url\": \"" + URL + "\"}]}",
        "{\"databases\": [{\"name\": \"a\", \"name\": \"b\", \"url\": \"" + URL + "\"}]}",
      })
  void refusesADuplicatedKeyAtAnyLevel(String json) {
    assertThatThrownBy(() -> Targets.fromJson("secret 's'", json))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("secret 's' has \"")
        .hasMessageContaining("twice in one object")
        .hasMessageNotContaining("topsecret")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void refusesContentAfterTheObject() {
    String one = "{\"databases\": [{\"name\": \"a\", \"url\": \"" + URL + "\"}]}";
    for (String json : List.of(one + "\n" + one, one + " []", one + " 7")) {
      assertThatThrownBy(() -> Targets.fromJson("config file 'f'", json))
          .hasMessageContaining("config file 'f' has more after its JSON object")
          .hasMessageNotContaining("topsecret")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
    assertThat(Targets.fromJson("f", one + "\n  \n").targets()).hasSize(1);
  }

  @Test
  void refusesAByteOrderMarkSayingSo() {
    String json = "\uFEFF{\"databases\": [{\"name\": \"a\", \"url\": \"" + URL + "\"}]}";
    assertThatThrownBy(() -> Targets.fromJson("secret 's'", json))
        .hasMessageContaining("secret 's' starts with a byte order mark (BOM")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void invalidJsonSaysWhereButQuotesNothing() {
    String json = "{\"databases\": [{\"name\": \"a\", \"url\": postgresql://u:topsecret@h/d}]}";
    assertThatThrownBy(() -> Targets.fromJson("secret 's'", json))
        .hasMessageContaining("is not valid JSON (line 1, column")
        .hasMessageNotContaining("topsecret")
        .hasMessageNotContaining("u:top");
  }
}
