package io.quantix.agent.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Arrays that long frames are copied into, and given back once a consumer has written their bytes
 * out. The JVM zeroes every new array: for a download that is a 1 MiB fill per chunk before the
 * chunk is copied in, the largest single cost of the client's download path after the kernel's own
 * copy (issue 15's profile). A reused array is copied over instead.
 *
 * <p>Only a consumer that holds the one reference to an array's bytes may give it back: a
 * download's chunk, after the caller's stream has returned from {@code write} (streams do not keep
 * the array they are handed, the contract {@code InputStream.transferTo} relies on too). An array
 * never given back is simply collected. Not API.
 *
 * <pre>{@code
 * byte[] frame = FrameArrays.lend(length);   // at least length bytes, maybe a reused array
 * // ... parse, hand the bytes to the one consumer ...
 * FrameArrays.giveBack(frame);                // after the consumer is done with every byte
 * }</pre>
 */
public final class FrameArrays {
  /** Shorter frames get a new array: below this, allocation is cheap and arrays are many. */
  public static final int MIN_LENGTH = 64 * 1024;
  /**
   * Lengths are rounded up to a multiple of this, so that a class serves frames of nearby sizes (a
   * download's replies differ by the length of their fields) at a cost of at most 4 KiB per array.
   */
  static final int GRANULE = 4 * 1024;
  /** Bytes of free arrays kept at most, over every size. */
  static final long MAX_FREE_BYTES = 16L * 1024 * 1024;

  private static final Map<Integer, ArrayDeque<byte[]>> FREE = new HashMap<>();
  private static long freeBytes;

  private FrameArrays() {}

  /**
   * An array of at least {@code length} bytes: a given-back one if there is one of the length's
   * size class, else a new one (of exactly {@code length} bytes below {@link #MIN_LENGTH}).
   */
  public static byte[] lend(int length) {
    if (length < MIN_LENGTH) {
      return new byte[length];
    }
    int size = sizeClass(length);
    synchronized (FREE) {
      ArrayDeque<byte[]> free = FREE.get(size);
      byte[] array = free == null ? null : free.pollFirst();
      if (array != null) {
        freeBytes -= size;
        return array;
      }
    }
    return new byte[size];
  }

  /**
   * Keeps {@code array} for a later {@link #lend}, if it is of a size class and there is room.
   * The caller must hold the only reference to its bytes: nothing may read it afterwards.
   */
  public static void giveBack(byte[] array) {
    int size = array.length;
    if (size < MIN_LENGTH || size % GRANULE != 0) {
      return;
    }
    synchronized (FREE) {
      if (freeBytes + size > MAX_FREE_BYTES) {
        return;
      }
      FREE.computeIfAbsent(size, s -> new ArrayDeque<>()).addFirst(array);
      freeBytes += size;
    }
  }

  static int sizeClass(int length) {
    return (int) Math.min(Integer.MAX_VALUE - 8, ((long) length + GRANULE - 1) / GRANULE * GRANULE);
  }

  /** Bytes of arrays given back and not lent again. */
  static long freeBytes() {
    synchronized (FREE) {
      return freeBytes;
    }
  }

  /** Drops every kept array (tests). */
  static void clear() {
    synchronized (FREE) {
      FREE.clear();
      freeBytes = 0;
    }
  }
}
