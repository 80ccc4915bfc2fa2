package dev.neons3backup.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The project's version, written into a resource by the build (pom.xml, resource filtering). */
final class Version implements IVersionProvider {
  static final String RESOURCE = "/neon-s3-backup.properties";

  @Override
  public String[] getVersion() {
    return new String[] {"neon-s3-backup " + current()};
  }

  /** The version the build wrote, or "unknown" for classes not built by Maven. */
  static String current() {
    try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "");
      return v.isBlank() || v.startsWith("${") ? "unknown" : v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
