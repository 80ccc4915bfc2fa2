package dev.neons3backup.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A Neon pooler host given by hand is replaced by its compute's direct host. */
class PoolerHostTest {
  @Test
  void rewritesANeonPoolerHostToTheDirectHost() {
    ConnectionUrl url =
        ConnectionUrl.parse(
            "app",
            "postgresql://alex:pw@ep-foo-123456-pooler.us-east-2.aws.neon.tech/neondb"
                + "?sslmode=require&channel_binding=require");
    assertThat(url.hosts()).isEqualTo("ep-foo-123456.us-east-2.aws.neon.tech");
    assertThat(url.withoutPassword())
        .contains("ep-foo-123456.us-east-2.aws.neon.tech/neondb")
        .contains("sslmode=require")
        .contains("channel_binding=require");
  }

  @Test
  void keepsThePortAndEveryHostOfAList() {
    ConnectionUrl url =
        ConnectionUrl.parse(
            "app",
            "postgresql://alex:pw@ep-a-1-pooler.eu-central-1.aws.neon.tech:5432,"
                + "other.example.com:6432/db");
    assertThat(url.hosts())
        .isEqualTo("ep-a-1.eu-central-1.aws.neon.tech:5432,other.example.com:6432");
  }

  @Test
  void leavesOtherHostsAlone() {
    for (String host :
        new String[] {
          "ep-foo-123456.us-east-2.aws.neon.tech", "my-pooler.example.com", "db-pooler", "127.0.0.1"
        }) {
      assertThat(ConnectionUrl.parse("app", "postgresql://u:pw@" + host + "/db").hosts())
          .isEqualTo(host);
    }
  }
}
