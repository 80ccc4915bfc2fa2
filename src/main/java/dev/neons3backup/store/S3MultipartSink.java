package dev.neons3backup.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32C;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * Streams bytes into an S3 multipart upload: parts fill one at a time and upload on a shared pool
 * while the next fills, at most {@code maxInFlight} at once, so memory stays at (part size × (parts
 * in flight + 1)) whatever the object's size. The multipart upload itself is created only once the
 * first part is full or the stream ends, and completed with a full-object CRC32C and {@code
 * If-None-Match: *}, so S3 checks every byte and never replaces an existing object.
 */
final class S3MultipartSink extends OutputStream implements ObjectSink {
  private static final Logger LOG = LogManager.getLogger(S3MultipartSink.class);

  /** How long {@link #abort()} waits for the abort before leaving it to run in the background. */
  private static final Duration ABORT_WAIT = Duration.ofSeconds(20);

  private static final Duration ABORT_ATTEMPT = Duration.ofSeconds(8);
  private static final Duration PART_WAIT = Duration.ofSeconds(10);

  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final String contentType;
  private final Executor pool;
  private final Executor aborts;
  private final PartSizer sizer;
  private final Semaphore inFlight;
  private final CRC32C objectCrc = new CRC32C();
  private final List<CompletableFuture<CompletedPart>> parts = new ArrayList<>();
  private final Deque<byte[]> spare = new ArrayDeque<>();

  private final StoredCheck stored;

  private String uploadId;

  /**
   * The CreateMultipartUpload request, run on a pool thread: a caller interrupted while it is in
   * flight (a signal stopping the run) cannot lose the upload's id, so {@link #abort()} can always
   * abort an upload that S3 created.
   */
  private CompletableFuture<String> created;

  /** Whether the object is stored already. */
  @FunctionalInterface
  interface StoredCheck {
    boolean stored() throws IOException;
  }

  private byte[] buffer;
  private int filled;
  private long size;
  private boolean closed;
  private volatile Throwable failure;

  S3MultipartSink(
      S3Client s3,
      String bucket,
      String key,
      String contentType,
      UploadPool pools,
      PartSizer sizer,
      int maxInFlight,
      StoredCheck stored) {
    this.s3 = s3;
    this.stored = stored;
    this.bucket = bucket;
    this.key = key;
    this.contentType = contentType;
    this.pool = pools.parts();
    this.aborts = pools.aborts();
    this.sizer = sizer;
    this.inFlight = new Semaphore(maxInFlight);
    this.buffer = new byte[sizer.sizeOf(1)];
  }

  @Override
  public OutputStream stream() {
    return this;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    objectCrc.update(b, off, len);
    size += len;
    while (len > 0) {
      int n = Math.min(len, buffer.length - filled);
      System.arraycopy(b, off, buffer, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == buffer.length) {
        sendPart(false);
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
    }
  }

  private void sendPart(boolean last) throws IOException {
    throwIfFailed();
    if (uploadId == null) {
      // Another run (a duplicate message's worker) stored the object while this one was dumping:
      // stop before starting an upload that could never complete. An upload that loses the race
      // later all the same (its conditional complete answers 412) is aborted by abort().
      if (created == null && stored.stored()) {
        throw new AlreadyExistsException(key);
      }
      uploadId = awaitCreated();
    }
    int partNumber = parts.size() + 1;
    if (partNumber > PartSizer.MAX_PARTS) {
      throw new IOException("the dump is larger than S3's 10,000-part limit allows");
    }
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for an upload slot", e);
    }
    throwIfFailedReleasing();
    byte[] data = buffer;
    int length = filled;
    CompletableFuture<CompletedPart> part =
        CompletableFuture.supplyAsync(() -> upload(partNumber, data, length), pool);
    part.whenComplete(
        (done, error) -> {
          if (error != null && failure == null) {
            failure = error instanceof CompletionException ? error.getCause() : error;
          }
          recycle(data);
          inFlight.release();
        });
    parts.add(part);
    buffer = last ? null : nextBuffer(sizer.sizeOf(Math.min(partNumber + 1, PartSizer.MAX_PARTS)));
    filled = 0;
  }

  private CompletedPart upload(int partNumber, byte[] data, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, 0, length);
    String checksum = base64(crc.getValue());
    var response =
        s3.uploadPart(
            UploadPartRequest.builder()
                .bucket(bucket)
                .key(key)
                .uploadId(uploadId)
                .partNumber(partNumber)
                .contentLength((long) length)
                .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
                .checksumCRC32C(checksum)
                .build(),
            RequestBody.fromContentProvider(
                () -> new ByteArrayInputStream(data, 0, length), length, contentType));
    return CompletedPart.builder()
        .partNumber(partNumber)
        .eTag(response.eTag())
        .checksumCRC32C(checksum)
        .build();
  }

  @Override
  public StoredObject commit() throws IOException {
    closed = true;
    if (filled > 0 || parts.isEmpty()) {
      sendPart(true);
    }
    List<CompletedPart> done = new ArrayList<>();
    for (CompletableFuture<CompletedPart> part : parts) {
      done.add(await(part));
    }
    done.sort(Comparator.comparingInt(CompletedPart::partNumber));
    try {
      s3.completeMultipartUpload(
          CompleteMultipartUploadRequest.builder()
              .bucket(bucket)
              .key(key)
              .uploadId(uploadId)
              .multipartUpload(CompletedMultipartUpload.builder().parts(done).build())
              .checksumCRC32C(base64(objectCrc.getValue()))
              .checksumType(ChecksumType.FULL_OBJECT)
              .ifNoneMatch("*")
              .build());
    } catch (RuntimeException e) {
      throw S3Errors.ofConditionalWrite(e, key);
    }
    return new StoredObject(key, size, "s3://" + bucket + "/" + key);
  }

  /**
   * Aborts on a background thread and waits for that only a bounded time, so neither a stalled S3
   * nor an interrupted caller can keep a run (or a Lambda invocation) from returning; the bucket's
   * lifecycle rule removes an upload whose abort never got through.
   */
  @Override
  public void abort() {
    closed = true;
    buffer = null;
    spare.clear();
    if (created == null) {
      return;
    }
    CompletableFuture<String> upload = created;
    List<CompletableFuture<CompletedPart>> pending = List.copyOf(parts);
    CompletableFuture<Void> aborting =
        CompletableFuture.runAsync(() -> abortAfterParts(upload, pending), aborts);
    // The caller may have been interrupted to stop it; the abort is still worth waiting for.
    boolean interrupted = Thread.interrupted();
    try {
      aborting.get(ABORT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn(
          "the abort of the multipart upload of {} is still running after {} s; the bucket's"
              + " lifecycle rule removes the upload if it fails",
          key,
          ABORT_WAIT.toSeconds());
    } catch (InterruptedException e) {
      interrupted = true;
    } catch (ExecutionException e) {
      // abortAfterParts logs its own failures.
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Parts still uploading could land after the abort and keep the upload alive: wait for them
   * (bounded), abort, and abort again once the late ones end.
   */
  private void abortAfterParts(
      CompletableFuture<String> upload, List<CompletableFuture<CompletedPart>> pending) {
    String id;
    try {
      id = upload.get(ABORT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | InterruptedException | ExecutionException e) {
      // S3 never answered the create: if it made an upload, the lifecycle rule removes it.
      LOG.warn("the multipart upload of {} was not started or its start did not return", key);
      return;
    }
    CompletableFuture<Void> all =
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
    try {
      all.get(PART_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | InterruptedException | ExecutionException e) {
      // Abort anyway; a part still in flight is handled below.
    }
    sendAbort(id);
    if (!all.isDone()) {
      all.whenComplete((done, error) -> sendAbort(id));
    }
  }

  private void sendAbort(String id) {
    try {
      s3.abortMultipartUpload(
          AbortMultipartUploadRequest.builder()
              .bucket(bucket)
              .key(key)
              .uploadId(id)
              .overrideConfiguration(
                  c -> c.apiCallAttemptTimeout(ABORT_ATTEMPT).apiCallTimeout(ABORT_WAIT))
              .build());
    } catch (RuntimeException e) {
      LOG.warn(
          "could not abort the multipart upload of {} ({}); the bucket's lifecycle rule removes it"
              + " within a day",
          key,
          e.getMessage());
    }
  }

  private String awaitCreated() throws IOException {
    if (created == null) {
      created = CompletableFuture.supplyAsync(this::createUpload, aborts);
    }
    try {
      return created.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the upload of " + key, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new IOException(
          cause instanceof RuntimeException r ? S3Errors.describe(r) : String.valueOf(cause),
          cause);
    }
  }

  private String createUpload() {
    return s3.createMultipartUpload(
            r ->
                r.bucket(bucket)
                    .key(key)
                    .contentType(contentType)
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
                    .checksumType(ChecksumType.FULL_OBJECT))
        .uploadId();
  }

  private CompletedPart await(CompletableFuture<CompletedPart> part) throws IOException {
    try {
      return part.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while uploading", e);
    } catch (ExecutionException e) {
      throw asIo(e.getCause());
    }
  }

  private void throwIfFailed() throws IOException {
    Throwable f = failure;
    if (f != null) {
      throw asIo(f);
    }
  }

  private void throwIfFailedReleasing() throws IOException {
    if (failure != null) {
      inFlight.release();
      throwIfFailed();
    }
  }

  private static IOException asIo(Throwable t) {
    return t instanceof IOException io ? io : new IOException(S3Errors.describe(t), t);
  }

  private void recycle(byte[] data) {
    synchronized (spare) {
      if (spare.size() < 2) {
        spare.push(data);
      }
    }
  }

  private byte[] nextBuffer(int length) {
    synchronized (spare) {
      while (!spare.isEmpty()) {
        byte[] b = spare.pop();
        if (b.length == length) {
          return b;
        }
      }
    }
    return new byte[length];
  }

  static String base64(long crc) {
    return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc).array());
  }
}
