package dev.neons3backup.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Backups in an S3 bucket, optionally under a prefix. */
public final class S3BackupStore implements BackupStore {
  /** 8 MiB: memory stays small for the common case; parts grow for huge dumps. */
  public static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;

  private static final int PARTS_IN_FLIGHT = 2;

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final UploadPool pools = new UploadPool();
  private final PartSizer sizer;

  /**
   * @param s3 the client, owned by the store from now on: {@link #close} closes it
   * @param prefix a folder inside the bucket, without leading or trailing slash, or empty
   */
  public S3BackupStore(S3Client s3, String bucket, String prefix, int firstPartSize) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix.isEmpty() ? "" : prefix + "/";
    this.sizer = new PartSizer(firstPartSize);
  }

  public String bucket() {
    return bucket;
  }

  @Override
  public boolean exists(String key) throws IOException {
    try {
      s3.headObject(r -> r.bucket(bucket).key(prefix + key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && !isNoSuchBucket(e)) {
        return false;
      }
      throw new IOException(S3Errors.describe(e), e);
    } catch (RuntimeException e) {
      throw new IOException(S3Errors.describe(e), e);
    }
  }

  @Override
  public ObjectSink create(String key, String contentType) {
    return new S3MultipartSink(
        s3, bucket, prefix + key, contentType, pools, sizer, PARTS_IN_FLIGHT, () -> exists(key));
  }

  @Override
  public void replace(String key, byte[] content, String contentType) throws IOException {
    try {
      put(key, content, contentType, false);
    } catch (RuntimeException e) {
      throw new IOException(S3Errors.describe(e), e);
    }
  }

  @Override
  public void putIfAbsent(String key, byte[] content, String contentType) throws IOException {
    try {
      put(key, content, contentType, true);
    } catch (RuntimeException e) {
      throw S3Errors.ofConditionalWrite(e, key);
    }
  }

  private void put(String key, byte[] content, String contentType, boolean onlyIfAbsent) {
    s3.putObject(
        r ->
            r.bucket(bucket)
                .key(prefix + key)
                .contentType(contentType)
                .ifNoneMatch(onlyIfAbsent ? "*" : null)
                .checksumAlgorithm(ChecksumAlgorithm.CRC32_C),
        RequestBody.fromBytes(content));
  }

  @Override
  public List<ListedKey> listWithTimes(String keyPrefix) throws IOException {
    List<ListedKey> keys = new ArrayList<>();
    try {
      for (var page : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix + keyPrefix))) {
        for (S3Object o : page.contents()) {
          keys.add(new ListedKey(o.key().substring(prefix.length()), o.lastModified()));
        }
      }
    } catch (RuntimeException e) {
      throw new IOException(S3Errors.describe(e), e);
    }
    return keys;
  }

  /**
   * One listing with the delimiter {@code /}: S3 answers with the folders' names (common prefixes),
   * a page per thousand folders, and never lists the keys inside them.
   */
  @Override
  public SortedSet<String> folders() throws IOException {
    SortedSet<String> names = new TreeSet<>();
    try {
      for (var page :
          s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix).delimiter("/"))) {
        for (CommonPrefix folder : page.commonPrefixes()) {
          String name = folder.prefix().substring(prefix.length());
          if (name.length() > 1) {
            names.add(name.substring(0, name.length() - 1));
          }
        }
      }
    } catch (RuntimeException e) {
      throw new IOException(S3Errors.describe(e), e);
    }
    return names;
  }

  @Override
  public InputStream open(String key) throws IOException {
    try {
      return s3.getObject(r -> r.bucket(bucket).key(prefix + key));
    } catch (NoSuchKeyException e) {
      throw new FileNotFoundException(describe(key));
    } catch (RuntimeException e) {
      throw new IOException(S3Errors.describe(e), e);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      s3.deleteObject(r -> r.bucket(bucket).key(prefix + key));
    } catch (RuntimeException e) {
      throw new IOException(S3Errors.describe(e), e);
    }
  }

  /**
   * Lists the uploads under the key as a prefix (S3 has no exact-key filter) and aborts those of
   * the key itself, never one of a longer key that shares its start, by their {@code Initiated}
   * time.
   */
  @Override
  public int abortUploads(String key, Instant initiatedBefore) throws IOException {
    String full = prefix + key;
    int aborted = 0;
    try {
      for (var page : s3.listMultipartUploadsPaginator(r -> r.bucket(bucket).prefix(full))) {
        for (MultipartUpload u : page.uploads()) {
          if (u.key().equals(full)
              && u.initiated() != null
              && u.initiated().isBefore(initiatedBefore)
              && abort(full, u.uploadId())) {
            aborted++;
          }
        }
      }
    } catch (RuntimeException e) {
      throw new IOException(S3Errors.describe(e), e);
    }
    return aborted;
  }

  private boolean abort(String fullKey, String uploadId) {
    try {
      s3.abortMultipartUpload(r -> r.bucket(bucket).key(fullKey).uploadId(uploadId));
      return true;
    } catch (NoSuchUploadException e) {
      return false; // aborted or completed meanwhile: nothing left to abort
    }
  }

  @Override
  public String describe(String key) {
    return "s3://" + bucket + "/" + prefix + key;
  }

  /**
   * Ends the store's threads (letting an abort in flight finish, for a bounded time) and its
   * client.
   */
  @Override
  public void close() {
    try {
      pools.close();
    } finally {
      s3.close();
    }
  }

  private static boolean isNoSuchBucket(S3Exception e) {
    return e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
  }
}
