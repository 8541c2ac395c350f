package io.fedmesh.edge.client;

import com.google.protobuf.ByteString;
import io.fedmesh.common.resilience.CallGuard;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A streamed download from the coordinator (a model, a TorchScript file, simulation samples) that
 * resumes where it broke: each retry of the guard asks from the bytes already received.
 */
final class ResumableStream {
  private final CallGuard guard;
  private final AtomicLong bytesReceived;

  ResumableStream(CallGuard guard, AtomicLong bytesReceived) {
    this.guard = guard;
    this.bytesReceived = bytesReceived;
  }

  /** What a streamed download needs of one chunk. */
  record Piece(long offset, long totalBytes, ByteString data, boolean last) {}

  /**
   * Streams chunks into {@code buffer}; a stream that ends early is retried (the guard) from the
   * bytes already received, and a chunk overlapping them contributes only its new tail.
   */
  <T> void read(String what, ByteArrayOutputStream buffer, java.util.function.LongFunction<Iterator<T>> open,
      java.util.function.Function<T, Piece> piece) {
    guard.idempotent(() -> {
      Iterator<T> chunks = open.apply(buffer.size());
      long total = -1;
      boolean last = false;
      while (chunks.hasNext()) {
        Piece c = piece.apply(chunks.next());
        if (c.totalBytes() > 0) {
          total = c.totalBytes();
        }
        if (c.offset() > buffer.size()) {
          throw Status.DATA_LOSS.withDescription(what + ": chunk at offset " + c.offset() + " but only " + buffer.size()
              + " bytes received").asRuntimeException();
        }
        int skip = (int) (buffer.size() - c.offset());
        bytesReceived.addAndGet(c.data().size());
        if (skip < c.data().size()) {
          buffer.writeBytes(c.data().substring(skip).toByteArray());
        }
        last |= c.last();
      }
      if (!last || (total >= 0 && buffer.size() != total)) {
        // the stream ended early (a proxy or the server gave up): the next attempt resumes from here
        throw Status.UNAVAILABLE.withDescription(what + " ended at " + buffer.size() + " of " + (total < 0 ? "?" : total)
            + " bytes").asRuntimeException();
      }
      return null;
    });
  }

}
