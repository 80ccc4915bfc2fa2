package dev.neons3backup.lambda;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.BackupException;
import dev.neons3backup.BackupReport;
import dev.neons3backup.BackupService;
import dev.neons3backup.config.SecretTargets;
import dev.neons3backup.config.Settings;
import dev.neons3backup.config.TargetList;
import dev.neons3backup.fleet.Alarm;
import dev.neons3backup.fleet.SnsAlarm;
import dev.neons3backup.neon.TargetResolver;
import dev.neons3backup.store.S3BackupStore;
import dev.neons3backup.store.S3Clients;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The parts of the function, built from the environment once per container and kept across warm
 * invocations: the service is never closed, its threads end with the execution environment.
 */
record Wiring(
    BackupService service,
    Supplier<TargetList> targets,
    TargetResolver resolver,
    EmbeddedMetrics metrics,
    Alarm alarm,
    Clock clock) {
  private static final Logger LOG = LogManager.getLogger(Wiring.class);

  /** Without an alarm topic: a shrunken-backups message is only logged. */
  static final Alarm LOG_ONLY =
      (subject, message) ->
          LOG.warn("ALARM_TOPIC_ARN is not set; this alarm was only logged: {}", message);

  /** The function's alarm topic ({@code ALARM_TOPIC_ARN}), or only the log without one. */
  static Alarm alarm(Settings settings) {
    return settings
        .alarmTopicArn()
        .<Alarm>map(arn -> new SnsAlarm(S3Clients.sns(settings), arn))
        .orElse(LOG_ONLY);
  }

  Wiring(
      BackupService service, Supplier<TargetList> targets, EmbeddedMetrics metrics, Clock clock) {
    this(service, targets, metrics, LOG_ONLY, clock);
  }

  Wiring(
      BackupService service,
      Supplier<TargetList> targets,
      EmbeddedMetrics metrics,
      Alarm alarm,
      Clock clock) {
    this(service, targets, resolver(service, clock), metrics, alarm, clock);
  }

  /**
   * Publishes the run's one message naming every backup that shrank, if any; a topic that cannot be
   * reached is a warning (the backups are stored, and the metric still counts them).
   */
  void announceShrinks(BackupReport report) {
    Optional<String> message = report.shrinkMessage();
    if (message.isEmpty()) {
      return;
    }
    int n = report.shrinks().size();
    try {
      alarm.publish(
          "neon-s3-backup: " + n + (n == 1 ? " backup" : " backups") + " shrank", message.get());
    } catch (IOException e) {
      LOG.warn("the shrunken-backups alarm was not sent ({}): {}", e.getMessage(), message.get());
    }
  }

  /** Discovery from the secret's {@code neon} object; NEON_API_URL from the environment. */
  static TargetResolver resolver(BackupService service, Clock clock) {
    return new TargetResolver(
        System.getenv(),
        clock,
        () ->
            service.list(Optional.empty()).stream()
                .map(BackupEntry::database)
                .collect(Collectors.toSet()));
  }

  /** The settings of a function: S3_BUCKET and SECRET_NAME are required, one line when missing. */
  static Settings functionSettings() {
    Settings settings = Settings.fromEnvironment();
    if (settings.bucket().isEmpty()) {
      throw BackupException.config("S3_BUCKET is not set; set it to the backup bucket's name.");
    }
    if (settings.secretName().isEmpty()) {
      throw BackupException.config(
          "SECRET_NAME is not set; set it to the secret that lists the databases.");
    }
    return settings;
  }

  static Wiring fromEnvironment() {
    Settings settings = functionSettings();
    S3BackupStore store =
        new S3BackupStore(
            S3Clients.s3(settings), settings.bucket(), "", S3BackupStore.DEFAULT_PART_SIZE);
    Clock clock = Clock.systemUTC();
    BackupService service = new BackupService(store, settings, clock);
    SecretsManagerClient secrets = S3Clients.secrets(settings);
    Alarm alarm = alarm(settings);
    return new Wiring(
        service,
        () -> SecretTargets.load(secrets, settings.secretName()),
        new EmbeddedMetrics(settings.metricsNamespace(), System.out, clock),
        alarm,
        clock);
  }
}
