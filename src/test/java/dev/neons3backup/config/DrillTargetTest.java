package dev.neons3backup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupException;
import org.junit.jupiter.api.Test;

/** The secret's optional {@code drillTarget}: strict, masked, and absent without fuss. */
class DrillTargetTest {
  private static final String LIST =
      "\"databases\": [{\"name\": \"a\", \"url\": \"postgresql://h/a\"}]";

  @Test
  void readsTheScratchServerAndMasksItsPassword() {
    String json = "{" + LIST + ", \"drillTarget\": \"postgresql://u:s3cr3t-pw@scratch/postgres\"}";
    DatabaseTarget t = Targets.drillTarget("secret 's'", json).orElseThrow();
    assertThat(t.url().hosts()).isEqualTo("scratch");
    assertThat(t.url().password()).isEqualTo("s3cr3t-pw");
    assertThat(t.toString()).doesNotContain("s3cr3t-pw");
    assertThat(Targets.fromJson("secret 's'", json).targets()).hasSize(1);
  }

  @Test
  void isAbsentWhenTheSecretHasNone() {
    assertThat(Targets.drillTarget("secret 's'", "{" + LIST + "}")).isEmpty();
  }

  @Test
  void refusesAValueThatIsNotAUrlStringOrAKeyTwice() {
    assertThatThrownBy(
            () -> Targets.drillTarget("secret 's'", "{" + LIST + ", \"drillTarget\": 5}"))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("secret 's' has a \"drillTarget\" that is not a URL string");
    String twice =
        "{" + LIST + ", \"drillTarget\": \"postgresql://u:pw1@h/p\", \"drillTarget\": \"x\"}";
    assertThatThrownBy(() -> Targets.drillTarget("secret 's'", twice))
        .hasMessageContaining("\"drillTarget\" twice")
        .hasMessageNotContaining("pw1");
    assertThatThrownBy(
            () -> Targets.drillTarget("secret 's'", "{\"drillTarget\": \"mysql://u:pw2@h\"}"))
        .isInstanceOf(BackupException.class)
        .hasMessageNotContaining("pw2");
  }
}
