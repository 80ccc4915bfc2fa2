package dev.neons3backup.store;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import software.amazon.awssdk.http.apache.ApacheHttpClient;

/**
 * Run by {@link ShadedJarLoggingIT} on the packaged jar: opens and closes an Apache HttpClient with
 * {@code org.apache.http} at debug, whose pool then logs that it is shutting down.
 */
public final class HttpClientLogProbe {
  private HttpClientLogProbe() {}

  public static void main(String[] args) {
    Configurator.setLevel("org.apache.http", Level.DEBUG);
    ApacheHttpClient.builder().build().close();
  }
}
