package dev.neons3backup.neon;

import dev.neons3backup.BackupException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach the Neon API: its base URL, the API key and, for a personal key that belongs to
 * several organizations, the organization to list. {@code toString} never shows the key.
 *
 * <p>Read from {@code NEON_API_KEY}, {@code NEON_API_URL} (default {@link #PUBLIC_API}, so a proxy
 * or a test server can stand in) and {@code NEON_ORG_ID}.
 */
public record NeonConfig(URI baseUrl, String apiKey, Optional<String> orgId) {
  /** Neon's public API, as the OpenAPI description's {@code servers} entry gives it. */
  public static final URI PUBLIC_API = URI.create("https://console.neon.tech/api/v2");

  public NeonConfig {
    if (apiKey == null || apiKey.isBlank()) {
      throw BackupException.config(
          "NEON_API_KEY is not set; create an API key in the Neon Console (organization"
              + " settings, API keys) and export it as NEON_API_KEY.");
    }
    String s = baseUrl.toString();
    baseUrl = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
  }

  /** The Neon settings of an environment (the process's, or a test's). */
  public static NeonConfig from(Map<String, String> env) {
    URI base = get(env, "NEON_API_URL").map(NeonConfig::apiUrl).orElse(PUBLIC_API);
    return new NeonConfig(base, env.get("NEON_API_KEY"), get(env, "NEON_ORG_ID"));
  }

  /**
   * The settings for a key given by configuration (the secret's {@code neon} object) rather than
   * {@code NEON_API_KEY}: the base URL still comes from {@code NEON_API_URL}, and the organization
   * from the configuration, else {@code NEON_ORG_ID}.
   */
  public static NeonConfig withKey(Map<String, String> env, String apiKey, Optional<String> orgId) {
    URI base = get(env, "NEON_API_URL").map(NeonConfig::apiUrl).orElse(PUBLIC_API);
    return new NeonConfig(base, apiKey, orgId.or(() -> get(env, "NEON_ORG_ID")));
  }

  private static URI apiUrl(String value) {
    try {
      URI uri = URI.create(value);
      if (uri.getScheme() != null
          && (uri.getScheme().equals("https") || uri.getScheme().equals("http"))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw BackupException.config(
        "NEON_API_URL '" + value + "' is not an http(s) URL; unset it to use " + PUBLIC_API + ".");
  }

  private static Optional<String> get(Map<String, String> env, String key) {
    return Optional.ofNullable(env.get(key)).map(String::trim).filter(v -> !v.isEmpty());
  }

  @Override
  public String toString() {
    return "NeonConfig[" + baseUrl + ", key ****" + orgId.map(o -> ", org " + o).orElse("") + "]";
  }
}
