package io.fedmesh.common.grpc;

/**
 * Splits a byte array into the chunks a server stream sends, from a resume offset: always at
 * least one chunk (an empty one for empty data, so the client still sees {@code last}).
 */
public final class Chunks {
  /** Default chunk size of fedmesh's streams: 1 MiB. */
  public static final int SIZE = 1 << 20;

  /** Receives one chunk: where it starts, how long it is, whether it is the last. */
  @FunctionalInterface
  public interface Sink {
    void chunk(int offset, int length, boolean last);
  }

  private Chunks() {}

  /** Calls {@code sink} for each chunk of {@code data} from {@code from} (clamped to [0, length]). */
  public static void send(byte[] data, long from, Sink sink) {
    int offset = (int) Math.max(0, Math.min(from, data.length));
    do {
      int len = Math.min(SIZE, data.length - offset);
      sink.chunk(offset, len, offset + len >= data.length);
      offset += len;
    } while (offset < data.length);
  }
}
