package dev.neons3backup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupException;
import org.junit.jupiter.api.Test;

class ConnectionUrlTest {
  @Test
  void decodesPercentEncodedUserAndPasswordAndKeepsThemApart() {
    ConnectionUrl url =
        ConnectionUrl.parse("db", "postgresql://us%40er:p%40ss%3Aw%2Frd%25%3F@host.example/app");
    assertThat(url.user()).isEqualTo("us@er");
    assertThat(url.password()).isEqualTo("p@ss:w/rd%?");
    assertThat(url.withoutPassword())
        .doesNotContain("p%40ss")
        .startsWith("postgresql://us%40er@host.example/app");
  }

  @Test
  void keepsEveryQueryParameterIncludingNeonEndpointOptions() {
    ConnectionUrl url =
        ConnectionUrl.parse(
            "db",
            "postgres://u:pw@ep-cool-123.us-east-2.aws.neon.tech:5432/neondb?sslmode=require"
                + "&channel_binding=require&options=endpoint%3Dep-cool-123&sslrootcert=/etc/ca.pem");
    assertThat(url.param("sslmode")).hasValue("require");
    assertThat(url.param("channel_binding")).hasValue("require");
    assertThat(url.param("options")).hasValue("endpoint=ep-cool-123");
    assertThat(url.param("sslrootcert")).hasValue("/etc/ca.pem");
    assertThat(url.withoutPassword())
        .startsWith("postgres://u@ep-cool-123.us-east-2.aws.neon.tech:5432/neondb?")
        .contains("sslmode=require", "channel_binding=require", "options=endpoint%3Dep-cool-123")
        .contains("sslrootcert=%2Fetc%2Fca.pem")
        .contains("connect_timeout=10");
  }

  @Test
  void keepsAnExplicitConnectTimeout() {
    ConnectionUrl url = ConnectionUrl.parse("db", "postgresql://u@h/d?connect_timeout=3");
    assertThat(url.withoutPassword()).contains("connect_timeout=3").doesNotContain("=10");
  }

  @Test
  void movesAPasswordQueryParameterOutOfTheUri() {
    ConnectionUrl url =
        ConnectionUrl.parse("db", "postgresql://u@h/d?password=s3cret&sslmode=disable");
    assertThat(url.password()).isEqualTo("s3cret");
    assertThat(url.withoutPassword()).doesNotContain("s3cret").contains("sslmode=disable");
  }

  @Test
  void masksThePasswordWhenPrinted() {
    ConnectionUrl url = ConnectionUrl.parse("db", "postgresql://u:hunter2@h:6543/d");
    assertThat(url.toString()).contains("u:****@h:6543/d").doesNotContain("hunter2");
    assertThat(DatabaseTarget.of("db", "postgresql://u:hunter2@h/d").toString())
        .doesNotContain("hunter2");
  }

  @Test
  void acceptsIpv6AndMultipleHosts() {
    assertThat(ConnectionUrl.parse("db", "postgresql://u:p@[::1]:5432/d").hosts())
        .isEqualTo("[::1]:5432");
    assertThat(ConnectionUrl.parse("db", "postgresql://u:p@a:1,b:2/d").hosts())
        .isEqualTo("a:1,b:2");
  }

  @Test
  void acceptsAHostGivenAsAParameter() {
    ConnectionUrl url = ConnectionUrl.parse("db", "postgresql:///app?host=/var/run/postgresql");
    assertThat(url.withoutPassword())
        .startsWith("postgresql:///app?host=%2Fvar%2Frun%2Fpostgresql");
  }

  @Test
  void refusesAnotherScheme() {
    assertThatThrownBy(() -> ConnectionUrl.parse("my-db", "mysql://u:secretpw@h/d"))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("my-db")
        .hasMessageContaining("'mysql'")
        .hasMessageNotContaining("secretpw");
  }

  @Test
  void refusesAUrlWithoutHost() {
    assertThatThrownBy(() -> ConnectionUrl.parse("my-db", "postgresql://u:secretpw@/d"))
        .hasMessageContaining("my-db")
        .hasMessageContaining("no host")
        .hasMessageNotContaining("secretpw");
  }

  @Test
  void refusesBrokenPercentEncoding() {
    assertThatThrownBy(() -> ConnectionUrl.parse("my-db", "postgresql://u:pa%zzss@h/d"))
        .hasMessageContaining("my-db")
        .hasMessageContaining("percent-encoding")
        .hasMessageNotContaining("pa%zzss");
    assertThatThrownBy(() -> ConnectionUrl.parse("my-db", "postgresql://u:secret%4@h/d"))
        .hasMessageContaining("percent-encoding")
        .hasMessageNotContaining("secret");
  }
}
