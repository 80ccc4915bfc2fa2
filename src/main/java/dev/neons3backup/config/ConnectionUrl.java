package dev.neons3backup.config;

import dev.neons3backup.BackupException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A libpq connection URI ({@code postgresql://} or {@code postgres://}), parsed once and split into
 * the part that may be shown ({@link #withoutPassword()}) and the password, which only ever travels
 * through {@code PGPASSWORD}. Every query parameter is kept as written, except {@code password},
 * which is moved out of the URI.
 */
public final class ConnectionUrl {
  private static final Logger LOG = LogManager.getLogger(ConnectionUrl.class);
  private static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

  private final String scheme;
  private final String user;
  private final String password;
  private final String hosts;
  private final String database;
  private final List<Map.Entry<String, String>> params;

  private ConnectionUrl(
      String scheme,
      String user,
      String password,
      String hosts,
      String database,
      List<Map.Entry<String, String>> params) {
    this.scheme = scheme;
    this.user = user;
    this.password = password;
    this.hosts = hosts;
    this.database = database;
    this.params = List.copyOf(params);
  }

  /**
   * Parses a libpq URI. {@code name} is the database's name in the configuration, used only in
   * error messages; messages never contain the URL itself, which may hold a password.
   */
  public static ConnectionUrl parse(String name, String url) {
    if (url == null || url.isBlank()) {
      throw bad(name, "the url is empty");
    }
    String rest;
    if (url.startsWith("postgresql://")) {
      rest = url.substring("postgresql://".length());
    } else if (url.startsWith("postgres://")) {
      rest = url.substring("postgres://".length());
    } else {
      throw badScheme(name, url);
    }
    checkDelimiters(name, rest);
    String query = "";
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    String path = "";
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      path = rest.substring(slash + 1);
      rest = rest.substring(0, slash);
    }
    String user = "";
    String password = "";
    int at = rest.indexOf('@');
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = userInfo.indexOf(':');
      if (colon >= 0) {
        user = decode(name, "user name", userInfo.substring(0, colon));
        password = decode(name, "password", userInfo.substring(colon + 1));
      } else {
        user = decode(name, "user name", userInfo);
      }
    }
    checkPorts(name, rest);
    String database = decode(name, "database name", path);
    List<Map.Entry<String, String>> params = new ArrayList<>();
    for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        // libpq refuses such a parameter too; its text is not quoted: it may be a password's tail.
        throw bad(name, "a query parameter in the url is not written key=value");
      }
      String key = decode(name, "query parameter", pair.substring(0, eq));
      String value = decode(name, "query parameter " + key, pair.substring(eq + 1));
      if (key.equals("password")) {
        password = value;
      } else {
        params.add(Map.entry(key, value));
      }
    }
    // An empty host is libpq's default (the local socket), or a host=… parameter names it.
    String scheme = url.startsWith("postgres://") ? "postgres" : "postgresql";
    return new ConnectionUrl(scheme, user, password, direct(name, rest), database, params);
  }

  /**
   * The host list with each Neon pooler host ({@code ep-x-pooler.region.aws.neon.tech}) replaced by
   * its compute's direct host: pg_dump cannot run through PgBouncer in transaction mode (it needs
   * session state such as its snapshot). Logged once per URL; hosts never hold a password.
   */
  static String direct(String name, String hosts) {
    List<String> out = new ArrayList<>();
    for (String host : hosts.split(",", -1)) {
      int dot = host.indexOf('.');
      boolean pooler =
          dot > 0
              && host.substring(0, dot).endsWith(POOLER_SUFFIX)
              && host.split(":", 2)[0].endsWith(".neon.tech");
      out.add(
          pooler ? host.substring(0, dot - POOLER_SUFFIX.length()) + host.substring(dot) : host);
    }
    String direct = String.join(",", out);
    if (!direct.equals(hosts)) {
      LOG.info(
          "database '{}': {} is Neon's connection pooler, where pg_dump cannot run; using the"
              + " direct host {} instead",
          name,
          hosts,
          direct);
    }
    return direct;
  }

  private static final String POOLER_SUFFIX = "-pooler";

  /**
   * Refuses a URL whose user or password holds an unencoded {@code / ? # @}: libpq would end the
   * authority early, take part of the password for a port or a database name, and print it in its
   * error (and we would pass it in argv). The rule: the only unencoded '@' is the one that ends
   * {@code user:password}, and no '#' comes before it. Nothing of the URL is quoted.
   */
  private static void checkDelimiters(String name, String rest) {
    int end = indexOfAny(rest, "/?");
    String authority = end < 0 ? rest : rest.substring(0, end);
    String after = end < 0 ? "" : rest.substring(end);
    int at = authority.lastIndexOf('@');
    boolean ambiguous =
        authority.indexOf('@') != at
            || after.indexOf('@') >= 0
            || (at >= 0 && authority.lastIndexOf('#', at) >= 0);
    if (ambiguous) {
      throw bad(name, UNENCODED);
    }
  }

  private static final String UNENCODED =
      "the url's password (or user) contains a character that must be percent-encoded: write"
          + " / as %2F, ? as %3F, # as %23, @ as %40 (and % as %25); an '@' anywhere but before"
          + " the host must be written %40";

  /** Every port in the host list must be a number; a word there is usually a password's head. */
  private static void checkPorts(String name, String hosts) {
    for (String host : hosts.split(",", -1)) {
      String port = "";
      int close = host.lastIndexOf(']');
      int colon = host.lastIndexOf(':');
      if (host.startsWith("[") ? close >= 0 && colon > close : colon >= 0) {
        port = host.substring(colon + 1);
      }
      if (!port.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw bad(
            name,
            "the url's port is not a number; if the password contains / ? # or @, write them as"
                + " %2F %3F %23 %40");
      }
    }
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** Names the scheme only when it is one ("mysql://"): text before a ':' may be a password. */
  private static BackupException badScheme(String name, String url) {
    int sep = url.indexOf("://");
    String scheme = sep > 0 ? url.substring(0, sep) : "";
    String shown =
        scheme.matches("[A-Za-z][A-Za-z0-9+.-]{0,19}")
            ? "the url scheme is '" + scheme + "'"
            : "the url has no scheme";
    return bad(name, shown + "; it must start with postgresql:// or postgres://");
  }

  /** True when the URL names no host: libpq then uses its default (PGHOST, else the socket). */
  public boolean usesDefaultHost() {
    boolean noHostName = hosts.isEmpty() || hosts.startsWith(":");
    return noHostName && param("host").isEmpty() && param("hostaddr").isEmpty();
  }

  public String user() {
    return user;
  }

  /** The password, for {@code PGPASSWORD} only. Empty when the URL has none. */
  public String password() {
    return password;
  }

  public String hosts() {
    return hosts;
  }

  public String database() {
    return database;
  }

  /** The same connection to another database on the same server. */
  public ConnectionUrl withDatabase(String otherDatabase) {
    return new ConnectionUrl(scheme, user, password, hosts, otherDatabase, params);
  }

  public Optional<String> param(String key) {
    return params.stream().filter(e -> e.getKey().equals(key)).map(Map.Entry::getValue).findFirst();
  }

  /**
   * The URI to hand to {@code pg_dump -d} or {@code psql -d}: everything but the password, with a
   * {@code connect_timeout} added when the URL has none, so that a host that never answers cannot
   * hang a backup.
   */
  public String withoutPassword() {
    StringBuilder b = new StringBuilder(scheme).append("://");
    if (!user.isEmpty()) {
      b.append(encode(user)).append('@');
    }
    b.append(hosts).append('/').append(encode(database));
    List<Map.Entry<String, String>> all = new ArrayList<>(params);
    if (param("connect_timeout").isEmpty()) {
      all.add(Map.entry("connect_timeout", Integer.toString(DEFAULT_CONNECT_TIMEOUT_SECONDS)));
    }
    char sep = '?';
    for (Map.Entry<String, String> e : all) {
      b.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
      sep = '&';
    }
    return b.toString();
  }

  /** The URL as it may be shown: the password replaced by asterisks. */
  @Override
  public String toString() {
    String shown = withoutPassword();
    if (password.isEmpty() || user.isEmpty()) {
      return shown;
    }
    int at = shown.indexOf('@');
    return shown.substring(0, at) + ":****" + shown.substring(at);
  }

  private static BackupException bad(String name, String what) {
    return BackupException.config("database '" + name + "': " + what + ".");
  }

  private static String decode(String name, String part, String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
        int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw bad(
              name,
              "the "
                  + part
                  + " in the url has broken percent-encoding; encode '%' as %25 and"
                  + " other special characters as %XX");
        }
        if (hi == 0 && lo == 0) {
          // libpq refuses it too; and no C string (PGPASSWORD, argv) can carry a NUL.
          throw bad(
              name, "the " + part + " in the url contains %00, which libpq refuses; remove it");
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else if (c == 0) {
        throw bad(name, "the " + part + " in the url contains a NUL character; remove it");
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
          bytes = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        out.write(bytes, 0, bytes.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String encode(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (byte raw : s.getBytes(StandardCharsets.UTF_8)) {
      int c = raw & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        b.append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return b.toString();
  }
}
