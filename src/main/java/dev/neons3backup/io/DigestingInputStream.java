package dev.neons3backup.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.LongConsumer;

/** Counts and hashes every byte read through it. */
public final class DigestingInputStream extends FilterInputStream {
  private final MessageDigest sha256;
  private final LongConsumer progress;
  private long count;

  public DigestingInputStream(InputStream in, LongConsumer progress) {
    super(in);
    this.progress = progress;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      sha256.update(b, off, n);
      count += n;
      progress.accept(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    return read(new byte[(int) Math.min(n, 8192)], 0, (int) Math.min(n, 8192));
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  public long count() {
    return count;
  }

  public byte[] digest() {
    return sha256.digest();
  }
}
