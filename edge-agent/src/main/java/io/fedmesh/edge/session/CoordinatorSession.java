package io.fedmesh.edge.session;

import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.edge.client.CoordinatorClient;
import io.fedmesh.edge.link.LinkMonitor;
import io.fedmesh.proto.federation.v1.HeartbeatRequest;
import io.fedmesh.proto.federation.v1.HeartbeatResponse;
import io.fedmesh.proto.federation.v1.RegisterResponse;
import io.fedmesh.proto.federation.v1.TrainAssignment;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's connection to the coordinator: registers, keeps the heartbeat stream open, and
 * registers again with backoff and jitter when the stream breaks, goes silent or the session is
 * unknown.
 */
public final class CoordinatorSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorSession.class);
  private static final long FIRST_BACKOFF_MS = 200;
  private static final long MAX_BACKOFF_MS = 10_000;

  /** What the rest of the agent hears from the session. */
  public interface Listener {
    /** Registered anew: possibly a restarted coordinator. Called before the first heartbeat. */
    void sessionStarted();

    /** Just before each heartbeat is composed (a moment to refresh what it reports). */
    void beforeHeartbeat();

    /** Assignments the coordinator listed in an ack or pushed on the stream. */
    void assignments(List<TrainAssignment> assignments);

    /** The models the coordinator wants this site to serve, on every ack. */
    default void serve(List<io.fedmesh.proto.federation.v1.ServeModel> models) {}
  }

  private final String site;
  private final HostPort coordinator;
  private final CoordinatorClient client;
  private final SiteReport report;
  private final LinkMonitor link;
  private final Listener listener;
  private final AtomicLong seq = new AtomicLong();
  private Thread connector;
  private volatile StreamObserver<HeartbeatRequest> heartbeatStream;
  private volatile boolean closed;
  private volatile long lastAckNanos;

  public CoordinatorSession(String site, HostPort coordinator, CoordinatorClient client, SiteReport report, LinkMonitor link,
      Listener listener) {
    this.site = site;
    this.coordinator = coordinator;
    this.client = client;
    this.report = report;
    this.link = link;
    this.listener = listener;
  }

  public void start() {
    connector = new Thread(this::connectLoop, "agent-connect");
    connector.setDaemon(true);
    connector.start();
  }

  private void connectLoop() {
    long backoffMs = FIRST_BACKOFF_MS;
    while (!closed) {
      try {
        RegisterResponse reg = client.register(report.registration());
        long intervalMs = Math.max(100, reg.getHeartbeatIntervalMs());
        LOG.info("site {}: registered with {} (session {}, heartbeat every {} ms)", site, coordinator, reg.getSessionId(),
            intervalMs);
        backoffMs = FIRST_BACKOFF_MS;
        listener.sessionStarted();
        heartbeat(reg.getSessionId(), intervalMs);
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED || code == Status.Code.INVALID_ARGUMENT) {
          LOG.error("site {}: the coordinator refused registration: {}", site, e.getStatus().getDescription());
        } else {
          LOG.warn("site {}: coordinator {} unreachable ({}); retrying in {} ms", site, coordinator, e.getStatus().getCode(),
              backoffMs);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (CallNotPermittedException e) {
        LOG.warn("site {}: coordinator {} failed repeatedly; circuit breaker open, retrying in {} ms", site, coordinator,
            backoffMs);
      } catch (RuntimeException e) {
        LOG.warn("site {}: connection failed: {}", site, e.toString());
      }
      sleepQuietly(backoffMs + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1));
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    }
  }

  /** Heartbeats on one stream until it breaks, goes silent, or the agent closes. */
  private void heartbeat(String sessionId, long intervalMs) throws InterruptedException {
    CountDownLatch broken = new CountDownLatch(1);
    Status[] ended = new Status[1];
    StreamObserver<HeartbeatRequest> stream = client.heartbeats(new StreamObserver<>() {
      @Override
      public void onNext(HeartbeatResponse response) {
        received(response);
      }

      @Override
      public void onError(Throwable t) {
        ended[0] = Status.fromThrowable(t);
        broken.countDown();
      }

      @Override
      public void onCompleted() {
        broken.countDown();
      }
    });
    heartbeatStream = stream;
    lastAckNanos = System.nanoTime();
    while (!closed) {
      listener.beforeHeartbeat();
      HeartbeatRequest hb = report.heartbeat(sessionId, seq.incrementAndGet());
      synchronized (stream) {
        stream.onNext(hb);
      }
      link.heartbeatSent();
      if (broken.await(intervalMs, TimeUnit.MILLISECONDS)) {
        break;
      }
      long silentNanos = System.nanoTime() - lastAckNanos;
      if (silentNanos > TimeUnit.MILLISECONDS.toNanos(Math.max(5 * intervalMs, 5000))) {
        LOG.warn("site {}: no heartbeat ack for {} ms; reconnecting", site, silentNanos / 1_000_000);
        synchronized (stream) {
          stream.onError(Status.CANCELLED.withDescription("ack timeout").asRuntimeException());
        }
        break;
      }
    }
    if (!closed && ended[0] != null && ended[0].getCode() == Status.Code.FAILED_PRECONDITION) {
      LOG.warn("site {}: the coordinator does not know session {} (restarted?); registering again", site, sessionId);
    } else if (!closed) {
      LOG.warn("site {}: heartbeat stream ended ({}); reconnecting", site,
          ended[0] == null ? "completed" : ended[0].getCode() + " " + ended[0].getDescription());
    }
  }

  /**
   * An ack answers one of our heartbeats (its seq); a push (seq 0, nothing echoed) is the
   * coordinator announcing work the moment a round opens. Both may list assignments, which start
   * at once (the ledger dedups the repeats); only an ack counts for liveness, loss and RTT, or a
   * push would hide heartbeats that got no answer.
   */
  private void received(HeartbeatResponse response) {
    if (response.getSeq() > 0) {
      lastAckNanos = System.nanoTime();
      link.acked(response.getEchoSentUnixNanos());
      listener.serve(response.getServeList()); // only acks carry the whole list; a push says nothing about serving
    }
    listener.assignments(response.getAssignmentsList());
  }

  private void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  /** Ends the heartbeat stream politely and stops reconnecting; safe to call twice. */
  @Override
  public void close() {
    closed = true;
    StreamObserver<HeartbeatRequest> stream = heartbeatStream;
    if (stream != null) {
      try {
        synchronized (stream) {
          stream.onCompleted();
        }
      } catch (RuntimeException alreadyBroken) {
        LOG.debug("site {}: heartbeat stream already closed", site);
      }
    }
    if (connector != null) {
      connector.interrupt();
    }
  }
}
