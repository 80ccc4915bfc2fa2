package dev.neons3backup.neon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class NeonSelectionTest {
  private static NeonApi.Project project(String id, String name) {
    return new NeonApi.Project(id, name, 16, Optional.empty());
  }

  private static NeonApi.Branch branch(String id, String name, boolean isDefault) {
    return new NeonApi.Branch(id, name, isDefault, OptionalLong.empty());
  }

  @Test
  void keepsEverythingAndOnlyDefaultBranchesByDefault() {
    NeonSelection s = NeonSelection.everything();
    assertThat(s.project(project("a-1", "shop"))).isTrue();
    assertThat(s.branch(branch("br-1", "main", true))).isTrue();
    assertThat(s.branch(branch("br-2", "dev", false))).isFalse();
    assertThat(s.database("neondb")).isTrue();
  }

  @Test
  void matchesProjectsOnNameOrIdAndExcludesWithBang() {
    NeonSelection s =
        NeonSelection.of(
            List.of("shop-*", "lone-id-1", "!shop-staging"), List.of(), false, List.of());
    assertThat(s.project(project("x-1", "shop-prod"))).isTrue();
    assertThat(s.project(project("lone-id-1", "whatever"))).isTrue();
    assertThat(s.project(project("x-2", "shop-staging"))).isFalse();
    assertThat(s.project(project("x-3", "blog"))).isFalse();
  }

  @Test
  void excludesAloneKeepTheRest() {
    NeonSelection s = NeonSelection.of(List.of(), List.of(), false, List.of("!tmp_*"));
    assertThat(s.database("app")).isTrue();
    assertThat(s.database("tmp_x")).isFalse();
  }

  @Test
  void allBranchesKeepsEveryBranchAndABranchGlobOnlyTheMatchingOnes() {
    NeonSelection all = NeonSelection.of(List.of(), List.of(), true, List.of());
    assertThat(all.branch(branch("br-2", "dev", false))).isTrue();
    NeonSelection glob = NeonSelection.of(List.of(), List.of("release-?"), true, List.of());
    assertThat(glob.branch(branch("br-3", "release-1", false))).isTrue();
    assertThat(glob.branch(branch("br-1", "main", true))).isFalse();
  }

  @Test
  void globsAreLiteralApartFromStarAndQuestionMark() {
    assertThat(NeonSelection.keeps(List.of("a.b"), "axb")).isFalse();
    assertThat(NeonSelection.keeps(List.of("a.b"), "a.b")).isTrue();
    assertThat(NeonSelection.keeps(List.of("(x)*"), "(x)yz")).isTrue();
  }

  @Test
  void refusesAnEmptyGlob() {
    assertThatThrownBy(() -> NeonSelection.of(List.of("!"), List.of(), false, List.of()))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("empty Neon selection glob");
  }
}
