package dev.neons3backup.store;

/**
 * The size of each part of a multipart upload whose total size is unknown in advance. Parts start
 * small (bounded memory for the common case) and double every 800 parts up to 1 GiB, so that S3's
 * 10,000 parts hold 5 TiB, the largest object S3 accepts.
 */
public final class PartSizer {
  public static final int MAX_PARTS = 10_000;

  /** S3's minimum for every part but the last. */
  public static final int MIN_PART = 5 * 1024 * 1024;

  private static final int MAX_PART = 1 << 30;
  private static final int PARTS_PER_STEP = 800;

  private final int firstPartSize;

  public PartSizer(int firstPartSize) {
    if (firstPartSize < MIN_PART) {
      throw new IllegalArgumentException("part size below S3's 5 MiB minimum: " + firstPartSize);
    }
    this.firstPartSize = firstPartSize;
  }

  /** Size of part {@code partNumber} (1-based, as S3 numbers them). */
  public int sizeOf(int partNumber) {
    if (partNumber < 1 || partNumber > MAX_PARTS) {
      throw new IllegalArgumentException("part number out of range: " + partNumber);
    }
    int doublings = (partNumber - 1) / PARTS_PER_STEP;
    long size = (long) firstPartSize << Math.min(doublings, 30);
    return (int) Math.min(size, MAX_PART);
  }

  /** The largest object that fits in {@link #MAX_PARTS} parts. */
  public long capacity() {
    long total = 0;
    for (int n = 1; n <= MAX_PARTS; n++) {
      total += sizeOf(n);
    }
    return total;
  }
}
