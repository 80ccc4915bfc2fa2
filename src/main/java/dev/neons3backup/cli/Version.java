package dev.neons3backup.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest, when run from the jar. */
final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {"neon-s3-backup " + (v == null ? "development build" : v)};
  }
}
