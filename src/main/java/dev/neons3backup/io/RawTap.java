package dev.neons3backup.io;

/**
 * Sees every raw (uncompressed) byte that passes through a pipeline, in order, as it passes: where
 * the dump scanner hooks in, without the pipeline knowing what a dump is.
 */
@FunctionalInterface
public interface RawTap {
  RawTap NONE = (b, off, len) -> {};

  void accept(byte[] b, int off, int len);
}
