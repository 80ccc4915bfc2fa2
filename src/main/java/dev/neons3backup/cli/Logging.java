package dev.neons3backup.cli;

import java.net.URISyntaxException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

/** Points Log4j at the CLI's configuration, at the verbosity the parsed options ask for. */
final class Logging {
  private static final String CONFIG = "log4j2-cli.xml";

  /** The verbosity of the previous run in this JVM; null before the first. */
  private static Boolean applied;

  private Logging() {}

  static synchronized void configureForCli(boolean verbose) {
    System.setProperty("log4j2.configurationFile", CONFIG);
    System.setProperty("neons3backup.log.level", verbose ? "info" : "warn");
    System.setProperty("neons3backup.service.level", verbose ? "info" : "off");
    // In a process of its own this is Log4j's first use: it reads the properties just set. Run
    // again in the same JVM (tests run the CLI in-process), Log4j is already running, perhaps
    // with another configuration or verbosity: it is reconfigured.
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    boolean cli = context.getConfiguration().getConfigurationSource().toString().contains(CONFIG);
    if (cli && applied != null && applied != verbose) {
      context.reconfigure();
    } else if (!cli) {
      try {
        context.setConfigLocation(Logging.class.getClassLoader().getResource(CONFIG).toURI());
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    applied = verbose;
  }
}
