package io.fedmesh.edge.rounds;

import io.fedmesh.edge.health.SiteHealth;
import io.fedmesh.edge.outbox.Outbox;
import io.fedmesh.edge.outbox.UpdateDelivery;
import io.fedmesh.edge.training.LocalTrainingCheck;
import io.fedmesh.proto.federation.v1.TrainAssignment;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes assignments as the coordinator lists them and sees each through once on a single work
 * thread: delivers an update already trained, skips one already taken or past its deadline,
 * refuses one with impossible training settings, or trains it. An evaluate-only assignment is
 * evaluated and reported instead, never trained.
 */
public final class AssignmentRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AssignmentRunner.class);

  private final String site;
  private final AssignmentLedger ledger;
  private final Outbox outbox;
  private final UpdateDelivery delivery;
  private final RoundTrainer trainer;
  private final VersionEvaluation evaluation;
  private final SiteHealth health;
  private final ExecutorService work = Executors.newSingleThreadExecutor(AssignmentRunner::workThread);
  private volatile boolean closed;

  public AssignmentRunner(String site, AssignmentLedger ledger, Outbox outbox, UpdateDelivery delivery, RoundTrainer trainer,
      VersionEvaluation evaluation, SiteHealth health) {
    this.site = site;
    this.ledger = ledger;
    this.outbox = outbox;
    this.delivery = delivery;
    this.trainer = trainer;
    this.evaluation = evaluation;
    this.health = health;
  }

  /** Queues each assignment not yet finished nor queued; the rest are repeats and are ignored. */
  public void offer(List<TrainAssignment> assignments) {
    for (TrainAssignment a : assignments) {
      String key = AssignmentLedger.key(a, site);
      if (!closed && ledger.claim(key)) {
        long received = System.nanoTime(); // the site's work on the round starts now, queue included
        // execute, not submit: a failure must reach the log, never vanish into an unread Future
        work.execute(() -> {
          try {
            handle(a, key, received);
          } finally {
            ledger.release(key);
          }
        });
      }
    }
  }

  /** A new coordinator session: forget what was finished, and send what the outbox still holds. */
  public void sessionStarted() {
    ledger.newSession();
    if (!closed) {
      work.execute(delivery::deliverPending);
    }
  }

  private void handle(TrainAssignment a, String key, long receivedNanos) {
    try {
      boolean done = a.getEvaluateOnly() ? evaluated(a, receivedNanos)
          : resolvedWithoutTraining(a, key) || trainer.train(a, key, receivedNanos);
      if (done) {
        ledger.finished(key);
      }
    } catch (StatusRuntimeException e) {
      LOG.warn("site {}: {} not completed yet: {} {}", site, describe(a), e.getStatus().getCode(),
          e.getStatus().getDescription());
    } catch (CallNotPermittedException e) {
      LOG.warn("site {}: {} waits: the coordinator failed repeatedly (circuit breaker open)", site, describe(a));
    } catch (RuntimeException | LinkageError e) {
      // a bug or a broken installation (a class missing from the class path): report it once, do
      // not retrain (or re-evaluate) on every heartbeat
      LOG.error("site {}: {} failed ({})", site, describe(a), key, e);
      ledger.finished(key);
    } finally {
      health.trainingEnded();
    }
  }

  /** Evaluates and reports the version unless it is too late; a failed call throws (retried when next listed). */
  private boolean evaluated(TrainAssignment a, long receivedNanos) {
    if (!pastDeadline(a)) {
      evaluation.evaluate(a, receivedNanos);
    }
    return true;
  }

  private boolean pastDeadline(TrainAssignment a) {
    if (a.getDeadlineUnixMs() > 0 && System.currentTimeMillis() > a.getDeadlineUnixMs()) {
      LOG.warn("site {}: {} is past its deadline; not {} it", site, describe(a), a.getEvaluateOnly() ? "evaluating" : "training");
      return true;
    }
    return false;
  }

  /** What the assignment asks for, for log lines: "round 3 of ns/name" or "the evaluation of version v of ns/name". */
  private static String describe(TrainAssignment a) {
    return a.getEvaluateOnly() ? "the evaluation of version " + a.getModelVersion() + " of " + a.getTraining()
        : "round " + a.getRound() + " of " + a.getTraining();
  }

  /** True when the assignment is settled without training: redelivered, already taken, too late or refused. */
  private boolean resolvedWithoutTraining(TrainAssignment a, String key) {
    Outbox.Pending pending = outbox.find(key).orElse(null);
    if (pending != null) {
      // trained before, the upload did not get through: send it, never train twice
      delivery.deliver(pending);
      return true;
    }
    AssignmentLedger.Delivered cached = ledger.deliveredBefore(key).orElse(null);
    if (cached != null && cached.session() == ledger.session()) {
      // an ack written before the coordinator took the update: nothing is missing
      return true;
    }
    if (cached != null) {
      LOG.info("site {}: the coordinator still lists {} after a reconnect; delivering it again", site, key);
      delivery.deliver(outbox.put(cached.update().header(), cached.update().data()));
      return true;
    }
    if (pastDeadline(a)) {
      return true;
    }
    String refused = LocalTrainingCheck.problem(a.getLocal())
        .or(() -> LocalTrainingCheck.encodingProblem(a.getEncoding(), a.getTopkFraction())).orElse(null);
    if (refused != null) {
      // never train with a made-up value: a broken assignment is refused for good, naming the field
      LOG.error("site {}: assignment {}: {}; refusing it", site, key, refused);
      return true;
    }
    return false;
  }

  private static Thread workThread(Runnable r) {
    Thread t = new Thread(r, "agent-train");
    t.setDaemon(true);
    t.setUncaughtExceptionHandler((thread, e) -> LOG.error("{} stopped by an unexpected failure", thread.getName(), e));
    return t;
  }

  /** Stops the work thread, interrupting a round in progress (its update, if stored, stays in the outbox). */
  @Override
  public void close() {
    closed = true;
    work.shutdownNow();
  }
}
