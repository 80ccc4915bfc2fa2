package dev.neons3backup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
                + "\"}]}");
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
        "{\"databases\": [{\"name\": \"x\"}]}",
        "{\"databases\": [{\"name\": \"x\", \"url\": \"\"}]}",
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
  void namesTheDatabaseWhoseUrlIsBad() {
    String json = "{\"databases\": [{\"name\": \"billing\", \"url\": \"http://u:topsecret@h/d\"}]}";
    assertThatThrownBy(() -> Targets.fromJson("secret 's'", json))
        .hasMessageContaining("billing")
        .hasMessageNotContaining("topsecret");
  }
}
