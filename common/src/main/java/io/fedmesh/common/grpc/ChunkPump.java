package io.fedmesh.common.grpc;

import io.grpc.stub.CallStreamObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.IntConsumer;

/**
 * Sends a byte array as a stream of chunks only as fast as the peer takes them: a chunk goes out
 * while the call {@link CallStreamObserver#isReady is ready}, and the rest follows from its
 * on-ready handler. Without it every chunk of a large model would be queued in memory at once,
 * for every slow site. Used on both ends: server streams (model and simulation data downloads)
 * and client streams (update uploads).
 *
 * @param <T> the message type of the stream
 */
public final class ChunkPump<T> implements Runnable {
  /** Builds the message for one chunk: where it starts, how long it is, whether it is the last. */
  @FunctionalInterface
  public interface Chunk<T> {
    T build(int offset, int length, boolean last);
  }

  private final CallStreamObserver<T> stream;
  private final byte[] data;
  private final Chunk<T> chunk;
  private final IntConsumer sent;
  private int offset;
  private boolean done;

  /**
   * A pump for {@code stream}; call {@link #run} from its on-ready handler (and once to start).
   *
   * @param sent hears the payload bytes of each chunk sent
   */
  public ChunkPump(CallStreamObserver<T> stream, byte[] data, long from, Chunk<T> chunk, IntConsumer sent) {
    this.stream = stream;
    this.data = data;
    this.offset = (int) Math.max(0, Math.min(from, data.length));
    this.chunk = chunk;
    this.sent = sent;
  }

  /**
   * Serves {@code data} on a server stream from {@code from} and completes it; returns at once,
   * the chunks follow as the client reads them. A cancelled call stops the pump.
   */
  public static <T> void serve(StreamObserver<T> response, byte[] data, long from, Chunk<T> chunk, IntConsumer sent) {
    ServerCallStreamObserver<T> call = (ServerCallStreamObserver<T>) response; // what a gRPC server hands every method
    ChunkPump<T> pump = new ChunkPump<>(call, data, from, chunk, sent);
    call.setOnCancelHandler(pump::stop);
    call.setOnReadyHandler(pump);
    pump.run();
  }

  /** Sends chunks while the stream is ready; completes the stream after the last (always at least one chunk). */
  @Override
  public synchronized void run() {
    while (!done && stream.isReady()) {
      int len = Math.min(Chunks.SIZE, data.length - offset);
      boolean last = offset + len >= data.length;
      stream.onNext(chunk.build(offset, len, last));
      sent.accept(len);
      offset += len;
      if (last) {
        done = true;
        stream.onCompleted();
      }
    }
  }

  /** The call ended (cancelled, or failed): nothing more is sent. */
  public synchronized void stop() {
    done = true;
  }
}
