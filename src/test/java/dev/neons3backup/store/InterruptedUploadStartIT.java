package dev.neons3backup.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.testing.FaultyProxy;
import dev.neons3backup.testing.S3MockServer;
import dev.neons3backup.testing.Waits;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A signal stops a backup while S3 is still answering the request that starts its multipart upload:
 * S3 made the upload, but the interrupted writer never read its id. The abort must still find and
 * remove it (seen: a SIGINT during a CLI backup left an open upload behind).
 */
class InterruptedUploadStartIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void aWriterInterruptedWhileItsUploadStartsStillAbortsThatUpload() throws Exception {
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "start-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (FaultyProxy proxy = FaultyProxy.to(s3.endpoint());
        S3Client direct = s3.client();
        S3BackupStore store =
            new S3BackupStore(
                s3.clientBuilder().endpointOverride(proxy.endpoint()).build(),
                bucket,
                "",
                PartSizer.MIN_PART)) {
      // The create reaches S3, its answer does not come back.
      proxy.holdResponsesAfterRequestsContaining("?uploads");
      ObjectSink sink = store.create("db/2026-01-01_02-00-00.sql.gz", "application/gzip");
      CompletableFuture<Thread> writing = new CompletableFuture<>();
      Future<?> write =
          writer.submit(
              () -> {
                writing.complete(Thread.currentThread());
                // One whole part: the sink starts the upload before it sends it.
                sink.stream().write(new byte[PartSizer.MIN_PART + 1]);
                return null;
              });
      Waits.until(
          "the upload to exist in S3",
          WAIT,
          () -> !direct.listMultipartUploads(r -> r.bucket(bucket)).uploads().isEmpty());

      writing.get().interrupt();
      proxy.releaseHeldResponses();
      assertThatThrownBy(() -> write.get(WAIT.toSeconds(), TimeUnit.SECONDS))
          .hasCauseInstanceOf(IOException.class);
      sink.abort();

      assertThat(direct.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
    } finally {
      writer.shutdownNow();
    }
  }
}
