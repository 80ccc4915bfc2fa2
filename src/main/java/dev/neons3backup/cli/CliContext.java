package dev.neons3backup.cli;

import dev.neons3backup.BackupService;
import dev.neons3backup.config.Settings;
import dev.neons3backup.store.BackupStore;
import dev.neons3backup.store.LocalBackupStore;
import dev.neons3backup.store.S3BackupStore;
import dev.neons3backup.store.S3Clients;
import dev.neons3backup.store.StoreLocation;
import java.time.Clock;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a command needs: settings (environment, then flags), the store and the service. A command
 * closes it when it ends (try-with-resources), which ends the store's threads.
 */
final class CliContext implements AutoCloseable {
  final Settings settings;
  final StoreLocation location;
  final BackupService service;
  final Output out;

  private CliContext(Settings settings, StoreLocation location, BackupService service, Output out) {
    this.settings = settings;
    this.location = location;
    this.service = service;
    this.out = out;
  }

  static CliContext create(Main main, Settings settings, CommandSpec spec) {
    CommonOptions common = main.common;
    StoreLocation location =
        common.store == null
            ? StoreLocation.defaultFor(settings.bucket())
            : StoreLocation.parse(common.store);
    BackupStore store = open(location, settings, main.invocation);
    BackupService service = new BackupService(store, settings, Clock.systemUTC());
    return new CliContext(
        settings,
        location,
        service,
        new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), common));
  }

  private static BackupStore open(
      StoreLocation location, Settings settings, Invocation invocation) {
    if (location.bucket().isPresent()) {
      return new S3BackupStore(
          S3Clients.s3(settings),
          location.bucket().get(),
          location.prefix(),
          S3BackupStore.DEFAULT_PART_SIZE);
    }
    return new LocalBackupStore(invocation.resolve(location.directory().orElseThrow()));
  }

  @Override
  public void close() {
    service.close();
  }
}
