package dev.neons3backup.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The manifest's optional Neon origin: written when known, and older manifests still parse. */
class ManifestNeonOriginTest {
  private static Manifest plain() {
    return new Manifest(
        1,
        "app",
        "app/2025-01-02_03-04-05.sql.gz",
        null,
        null,
        null,
        "gzip",
        null,
        10,
        5,
        "a".repeat(64),
        "16.4",
        "16.4",
        null,
        3,
        Map.of("public.t", 3L),
        null,
        null);
  }

  @Test
  void aSnapshotOriginRoundTrips() throws Exception {
    NeonOrigin origin =
        new NeonOrigin(
            "green-leaf-111",
            "br-main-1",
            "orders",
            "br-snap-2",
            "br-main-1",
            "2025-01-02T03:04:05Z",
            "0/1A2B3C4");
    Manifest m = plain().withNeon(Optional.of(origin));
    Manifest back = Manifest.fromJson(m.toJson());
    assertThat(back.neon()).isEqualTo(origin);
    assertThat(back).isEqualTo(m);
  }

  @Test
  void anOriginWithoutASnapshotLeavesItsFieldsOut() throws Exception {
    Manifest m = plain().withNeon(Optional.of(NeonOrigin.of("p-1", "br-2", "db")));
    String json = new String(m.toJson(), StandardCharsets.UTF_8);
    assertThat(json).contains("\"projectId\" : \"p-1\"").doesNotContain("snapshotBranchId");
    assertThat(Manifest.fromJson(m.toJson()).neon()).isEqualTo(NeonOrigin.of("p-1", "br-2", "db"));
  }

  @Test
  void aManifestWithoutAnOriginStillParses() throws Exception {
    String old = new String(plain().toJson(), StandardCharsets.UTF_8);
    assertThat(old).doesNotContain("neon");
    assertThat(Manifest.fromJson(old.getBytes(StandardCharsets.UTF_8)).neon()).isNull();
  }
}
