package dev.neons3backup.neon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UriPathTest {
  @Test
  void replacesOnlyTheDatabaseOfAConnectionUri() {
    String uri =
        "postgresql://alex:AbC123@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb"
            + "?sslmode=require&channel_binding=require";
    assertThat(NeonDiscovery.withDatabase(uri, "my app"))
        .isEqualTo(
            "postgresql://alex:AbC123@ep-cool-darkness-123456.us-east-2.aws.neon.tech/my%20app"
                + "?sslmode=require&channel_binding=require");
    assertThat(NeonDiscovery.withDatabase("postgresql://u:p@h:5432", "db"))
        .isEqualTo("postgresql://u:p@h:5432/db");
  }
}
