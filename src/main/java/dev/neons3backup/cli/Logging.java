package dev.neons3backup.cli;

/** Points Log4j at the CLI's configuration before the first logger is created. */
final class Logging {
  private Logging() {}

  static void configureForCli(boolean verbose) {
    System.setProperty("log4j2.configurationFile", "log4j2-cli.xml");
    System.setProperty("neons3backup.log.level", verbose ? "info" : "warn");
    System.setProperty("neons3backup.service.level", verbose ? "info" : "off");
  }
}
