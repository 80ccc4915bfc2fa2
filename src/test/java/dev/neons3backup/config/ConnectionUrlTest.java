package dev.neons3backup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupException;
import dev.neons3backup.testing.TestEnv;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

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
  void refusesANulInAnyPartWithoutQuotingIt() {
    for (String url :
        List.of("postgresql://u:Rw7q%00Zt4k@h/db", "postgresql://u:Rw7q\u0000Zt4k@h/db")) {
      assertThatThrownBy(() -> ConnectionUrl.parse("db", url))
          .isInstanceOf(BackupException.class)
          .hasMessageStartingWith("database 'db': the password in the url contains")
          .hasMessageNotContaining("Rw7q")
          .hasMessageNotContaining("Zt4k");
    }
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
  void acceptsLibpqsDefaultHostLikeLibpq() {
    for (String url :
        List.of(
            "postgresql:///d",
            "postgresql://u:secretpw@/d",
            "postgresql://u@/d",
            "postgresql://",
            "postgres://:5433/d")) {
      ConnectionUrl parsed = ConnectionUrl.parse("my-db", url);
      assertThat(parsed.usesDefaultHost()).as(url).isTrue();
      assertThat(parsed.withoutPassword()).as(url).doesNotContain("secretpw");
    }
    assertThat(ConnectionUrl.parse("d", "postgresql://u@/d").withoutPassword())
        .startsWith("postgresql://u@/d?");
    assertThat(ConnectionUrl.parse("d", "postgresql:///d?host=/run/pg").usesDefaultHost())
        .isFalse();
    assertThat(ConnectionUrl.parse("d", "postgresql://h/d").usesDefaultHost()).isFalse();
  }

  /** Passwords with the characters that end a URL's user info early, written unencoded. */
  static final List<String> ODD_PASSWORDS =
      List.of(
          "Xk9m/Q2wZ",
          "ab?cdEFGH",
          "Zz#9qWeRt",
          "p@ssWORD1",
          "1234/abcd",
          "9876?wxyz=qrst",
          "a@b/c@dfgh",
          "ab#cd?ef/gh@ijkl",
          "/leadingSLASH",
          "endsWithAT@",
          "Kq8:mm/Np7");

  @ParameterizedTest
  @FieldSource("ODD_PASSWORDS")
  void refusesAnUnencodedDelimiterInThePasswordWithoutQuotingAnyOfIt(String password) {
    for (String url :
        List.of(
            "postgresql://app_user:" + password + "@ep-x.aws.neon.tech/neondb?sslmode=require",
            "postgres://app_user:" + password + "@10.0.0.7:6543/shop",
            "postgresql://app_user:" + password + "@h1:5432,h2:5433/d?options=-c%20x%3D1")) {
      assertThatThrownBy(() -> ConnectionUrl.parse("billing", url))
          .as(url)
          .isInstanceOf(BackupException.class)
          .hasMessageStartingWith("database 'billing': ")
          .hasMessageContaining("write / as %2F, ? as %3F, # as %23, @ as %40")
          .satisfies(e -> assertNoFragment(e.getMessage(), password))
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  @ParameterizedTest
  @FieldSource("ODD_PASSWORDS")
  void anEncodedOddPasswordReachesOnlyThePasswordNeverTheArgvUrl(String password) {
    String url =
        "postgresql://app_user:"
            + TestEnv.percentEncode(password)
            + "@ep-x.aws.neon.tech/neondb?sslmode=require";
    ConnectionUrl parsed = ConnectionUrl.parse("billing", url);
    assertThat(parsed.password()).isEqualTo(password);
    assertThat(parsed.user()).isEqualTo("app_user");
    assertThat(parsed.database()).isEqualTo("neondb");
    assertNoFragment(parsed.withoutPassword(), password);
    assertNoFragment(parsed.toString(), password);
  }

  @Test
  void aWordWhereThePortGoesIsRefusedWithoutQuotingIt() {
    assertThatThrownBy(() -> ConnectionUrl.parse("x", "postgresql://app_user:Xk9mQ2wZ"))
        .hasMessageContaining("port is not a number")
        .satisfies(e -> assertNoFragment(e.getMessage(), "Xk9mQ2wZ"));
    assertThat(ConnectionUrl.parse("x", "postgresql://u@[::1]:5432,h:7/d").hosts())
        .isEqualTo("[::1]:5432,h:7");
  }

  @Test
  void aSchemeIsNamedOnlyWhenItIsOne() {
    assertThatThrownBy(() -> ConnectionUrl.parse("x", "Xk9m:Q2wZsecret@h/d"))
        .hasMessageContaining("no scheme")
        .hasMessageNotContaining("Xk9m");
  }

  /** No run of 4 characters of {@code secret} appears in {@code text}. */
  static void assertNoFragment(String text, String secret) {
    for (int i = 0; i + 4 <= secret.length(); i++) {
      assertThat(text).as("fragment of the password").doesNotContain(secret.substring(i, i + 4));
    }
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
