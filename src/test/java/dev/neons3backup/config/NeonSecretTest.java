package dev.neons3backup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The secret's optional {@code neon} object, beside or instead of {@code databases}. */
class NeonSecretTest {
  private static final String KEY = "napi_secretkey0123456789";

  @Test
  void readsTheNeonObjectBesideTheListedDatabases() {
    TargetList list =
        Targets.fromJson(
            "secret 's'",
            "{\"databases\": [{\"name\": \"app\", \"url\": \"postgresql://u:pw@h/d\"}],"
                + " \"neon\": {\"api_key\": \""
                + KEY
                + "\", \"org_id\": \"org-1\", \"projects\": [\"shop-*\", \"!shop-old\"],"
                + " \"branches\": [\"main\"], \"all_branches\": false, \"databases\":"
                + " [\"!scratch\"], \"snapshot\": true}}");
    assertThat(list.targets()).extracting(DatabaseTarget::name).containsExactly("app");
    NeonSettings neon = list.neon().orElseThrow();
    assertThat(neon.apiKey()).isEqualTo(KEY);
    assertThat(neon.orgId()).contains("org-1");
    assertThat(neon.projects()).containsExactly("shop-*", "!shop-old");
    assertThat(neon.branches()).containsExactly("main");
    assertThat(neon.databases()).containsExactly("!scratch");
    assertThat(neon.snapshot()).isTrue();
    assertThat(neon.toString()).doesNotContain(KEY);
  }

  @Test
  void theNeonObjectAloneIsAConfiguration() {
    TargetList list = Targets.fromJson("secret 's'", "{\"neon\": {\"api_key\": \"" + KEY + "\"}}");
    assertThat(list.targets()).isEmpty();
    assertThat(list.neon())
        .contains(
            new NeonSettings(KEY, Optional.empty(), List.of(), List.of(), false, List.of(), false));
  }

  @Test
  void withoutANeonObjectThereIsNoDiscovery() {
    TargetList list =
        Targets.fromJson(
            "secret 's'", "{\"databases\": [{\"name\": \"a\", \"url\": \"postgresql://h/d\"}]}");
    assertThat(list.neon()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"neon\": []| \"neon\" is not an object",
        "\"neon\": {}| has no \"api_key\"",
        "\"neon\": {\"api_key\": \"  \"}| has no \"api_key\"",
        "\"neon\": {\"api_key\": 42}| has no \"api_key\"",
        "\"neon\": {\"api_key\": \"KEY\", \"snapshots\": true}| unknown key \"snapshots\"",
        "\"neon\": {\"api_key\": \"KEY\", \"snapshot\": \"yes\"}| \"snapshot\" that is not true or false",
        "\"neon\": {\"api_key\": \"KEY\", \"projects\": \"shop\"}| \"projects\" that is not a list",
        "\"neon\": {\"api_key\": \"KEY\", \"databases\": [\"\"]}| \"databases\" that is not a list",
        "\"neon\": {\"api_key\": \"KEY\", \"branches\": [1]}| \"branches\" that is not a list",
        "\"neon\": {\"api_key\": \"KEY\", \"org_id\": 7}| \"org_id\" that is not a non-empty string",
        "\"neon\": {\"api_key\": \"KEY\", \"api_key\": \"KEY\"}| has \"api_key\" twice",
      })
  void aBadNeonObjectRefusesTheSecretInOneLineWithoutTheKey(String body, String expected) {
    String json = "{" + body.replace("KEY", KEY) + "}";
    assertThatThrownBy(() -> Targets.fromJson("secret 's'", json))
        .isInstanceOf(BackupException.class)
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.CONFIG))
        .hasMessageContaining("secret 's'")
        .hasMessageContaining(expected.strip())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("\n"));
  }
}
