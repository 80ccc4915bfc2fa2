package dev.neons3backup.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.commons.logging.LogFactory;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;

/**
 * Apache HttpClient (the SDK's HTTP client) logs through Commons Logging; its events must reach
 * Log4j, the one backend, so that the levels set for {@code org.apache.http} in the Log4j
 * configuration apply — not java.util.logging's defaults.
 */
class HttpClientLoggingTest {
  private static final String LOGGER = "org.apache.http.impl.conn";

  @Test
  void commonsLoggingHandsEventsToLog4j() {
    assertThat(LogFactory.getFactory().getClass().getName())
        .isEqualTo("org.apache.commons.logging.impl.Log4jApiLogFactory");
  }

  @Test
  void anApacheHttpClientLogEventArrivesAtALog4jAppender() {
    Capture capture = new Capture();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    LoggerConfig logger = new LoggerConfig(LOGGER, Level.DEBUG, false);
    logger.addAppender(capture, Level.DEBUG, null);
    config.addLogger(LOGGER, logger);
    context.updateLoggers();
    try {
      // Closing the client shuts its connection pool down, which the pool logs at debug.
      SdkHttpClient client = ApacheHttpClient.builder().build();
      client.close();
    } finally {
      config.removeLogger(LOGGER);
      context.updateLoggers();
      capture.stop();
    }
    assertThat(capture.events)
        .anySatisfy(event -> assertThat(event).startsWith(LOGGER + ".").contains("shutting down"));
  }

  /** Keeps "logger: message" of every event it is given. */
  private static final class Capture extends AbstractAppender {
    final List<String> events = new CopyOnWriteArrayList<>();

    Capture() {
      super("capture", null, null, true, Property.EMPTY_ARRAY);
      start();
    }

    @Override
    public void append(LogEvent event) {
      events.add(event.getLoggerName() + ": " + event.getMessage().getFormattedMessage());
    }
  }
}
