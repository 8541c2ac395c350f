package io.fedmesh.mesh.bench;

import com.google.protobuf.ByteString;
import io.fedmesh.common.grpc.TlsFiles;
import io.fedmesh.common.security.MutualTls;
import io.fedmesh.proto.federation.v1.CoordinatorGrpc;
import io.fedmesh.proto.federation.v1.DownloadModelRequest;
import io.fedmesh.proto.federation.v1.HeartbeatRequest;
import io.fedmesh.proto.federation.v1.HeartbeatResponse;
import io.fedmesh.proto.federation.v1.RegisterRequest;
import io.fedmesh.proto.federation.v1.UpdateChunk;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import io.fedmesh.proto.federation.v1.UploadUpdateResponse;
import io.fedmesh.proto.hpc.v1.HpcBridgeGrpc;
import io.fedmesh.proto.hpc.v1.SubmitBurstRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A peer built on the generated stubs, as an attacker would write one: every call returns the
 * status it ended with (OK when the server took it), never throws.
 */
final class Attacker {
  private final int coordinatorPort;
  private final int bridgePort;

  Attacker(int coordinatorPort, int bridgePort) {
    this.coordinatorPort = coordinatorPort;
    this.bridgePort = bridgePort;
  }

  /** What a call got: its status, and for an upload whether it was acknowledged as new. */
  record Answer(Status status, boolean duplicate) {
    boolean refused() {
      return !status.isOk();
    }

    @Override
    public String toString() {
      String why = status.getDescription() == null ? "" : ": " + status.getDescription().lines().findFirst().orElse("");
      return status.getCode() + why + (duplicate ? " (acknowledged as a duplicate, stored once)" : "");
    }
  }

  Answer register(TlsFiles tls, RegisterRequest request) {
    return onCoordinator(tls, ch -> {
      CoordinatorGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).register(request);
      return ok();
    });
  }

  Answer download(TlsFiles tls, DownloadModelRequest request) {
    return onCoordinator(tls, ch -> {
      CoordinatorGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).downloadModel(request).forEachRemaining(c -> {});
      return ok();
    });
  }

  Answer heartbeat(TlsFiles tls, HeartbeatRequest hb) {
    return onCoordinator(tls, ch -> {
      CompletableFuture<Answer> ended = new CompletableFuture<>();
      StreamObserver<HeartbeatRequest> out = CoordinatorGrpc.newStub(ch).heartbeat(new StreamObserver<HeartbeatResponse>() {
        @Override
        public void onNext(HeartbeatResponse r) {
          ended.complete(ok());
        }

        @Override
        public void onError(Throwable t) {
          ended.complete(new Answer(Status.fromThrowable(t), false));
        }

        @Override
        public void onCompleted() {
          ended.complete(ok());
        }
      });
      out.onNext(hb);
      return ended.orTimeout(10, TimeUnit.SECONDS).join();
    });
  }

  /** Uploads {@code header} then {@code chunks} (offsets in order), as they are: lies included. */
  Answer upload(TlsFiles tls, UpdateHeader header, List<byte[]> chunks) {
    return onCoordinator(tls, ch -> {
      CompletableFuture<Answer> ended = new CompletableFuture<>();
      StreamObserver<UpdateChunk> out = CoordinatorGrpc.newStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS)
          .uploadUpdate(new StreamObserver<UploadUpdateResponse>() {
            @Override
            public void onNext(UploadUpdateResponse r) {
              ended.complete(new Answer(r.getAccepted() ? Status.OK : Status.ABORTED.withDescription(r.getMessage()), r.getDuplicate()));
            }

            @Override
            public void onError(Throwable t) {
              ended.complete(new Answer(Status.fromThrowable(t), false));
            }

            @Override
            public void onCompleted() {}
          });
      long offset = 0;
      for (int i = 0; i < chunks.size() && !ended.isDone(); i++) {
        UpdateChunk.Builder c = UpdateChunk.newBuilder().setOffset(offset).setData(ByteString.copyFrom(chunks.get(i)))
            .setLast(i == chunks.size() - 1);
        if (i == 0) {
          c.setHeader(header);
        }
        out.onNext(c.build());
        offset += chunks.get(i).length;
      }
      out.onCompleted();
      return ended.orTimeout(20, TimeUnit.SECONDS).join();
    });
  }

  Answer submit(TlsFiles tls, SubmitBurstRequest request) {
    return call(MutualTls.channel("127.0.0.1:" + bridgePort, tls).build(), ch -> {
      HpcBridgeGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).submit(request);
      return ok();
    });
  }

  /** A call on any channel, e.g. one to a server the attacker runs. */
  static Answer call(ManagedChannel ch, Function<ManagedChannel, Answer> rpc) {
    try {
      return rpc.apply(ch);
    } catch (StatusRuntimeException e) {
      return new Answer(e.getStatus(), false);
    } finally {
      ch.shutdownNow();
    }
  }

  private Answer onCoordinator(TlsFiles tls, Function<ManagedChannel, Answer> rpc) {
    return call(MutualTls.channel("127.0.0.1:" + coordinatorPort, tls).build(), rpc);
  }

  private static Answer ok() {
    return new Answer(Status.OK, false);
  }
}
