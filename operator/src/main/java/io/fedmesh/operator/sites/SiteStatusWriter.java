package io.fedmesh.operator.sites;

import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.operator.status.StatusRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner of EdgeSite status. Producers on gRPC and timer threads hand it facts
 * ({@link #report}) and return at once; one thread writes them through the kind's
 * {@link StatusRecorder}. Facts of one site coalesce: a site that heartbeats ten times between two
 * writes costs one write. A change of phase is written at once; other facts at most every
 * {@code refresh}, and then without fail (held-back facts are written when due).
 */
public final class SiteStatusWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SiteStatusWriter.class);

  private final StatusRecorder<EdgeSiteStatus, EdgeSite> recorder;
  private final Duration refresh;
  private final Clock clock;
  private final Map<String, SiteFacts> facts = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastWrite = new ConcurrentHashMap<>();
  private final Map<String, String> lastPhase = new ConcurrentHashMap<>();
  /** Sites with facts to write now, in arrival order. */
  private final Set<String> dirty = new LinkedHashSet<>();
  /** Sites with facts held back by the refresh interval, and when they are due (guarded by dirty). */
  private final Map<String, Instant> deferred = new java.util.HashMap<>();
  private final Thread thread;
  private volatile boolean closed;

  public SiteStatusWriter(StatusRecorder<EdgeSiteStatus, EdgeSite> recorder, Duration refresh, Clock clock) {
    this.recorder = recorder;
    this.refresh = refresh;
    this.clock = clock;
    this.thread = new Thread(this::run, "fedmesh-edgesite-status");
    thread.setDaemon(true);
    thread.start();
  }

  /** Merges a fact of site {@code namespace/name}; written soon, never on the caller's thread. */
  public void report(String key, UnaryOperator<SiteFacts> fact) {
    SiteFacts now = facts.compute(key, (k, old) -> fact.apply(old == null ? SiteFacts.NONE : old));
    boolean phaseChanged = now.phase() != null && !now.phase().equals(lastPhase.get(key));
    Instant last = lastWrite.get(key);
    synchronized (dirty) {
      if (phaseChanged || last == null || !clock.instant().isBefore(last.plus(refresh))) {
        deferred.remove(key);
        dirty.add(key);
        dirty.notifyAll();
      } else {
        deferred.putIfAbsent(key, last.plus(refresh)); // written when due: a fact is never dropped
      }
    }
  }

  /** Writes a site's facts now, on the caller's thread (a reconciler that owns this thread anyway). */
  public void writeNow(String key, UnaryOperator<EdgeSiteStatus> extra) {
    write(key, extra);
  }

  public void forget(String key) {
    facts.remove(key);
    lastWrite.remove(key);
    lastPhase.remove(key);
    recorder.forget(key);
  }

  /** Sites with facts not yet written, due now or held back by the refresh interval. */
  public int backlog() {
    synchronized (dirty) {
      return dirty.size() + deferred.size();
    }
  }

  private void run() {
    while (!closed) {
      String key;
      synchronized (dirty) {
        while (dirty.isEmpty() && !closed) {
          Instant now = clock.instant();
          Instant next = null;
          for (var it = deferred.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!now.isBefore(e.getValue())) {
              dirty.add(e.getKey());
              it.remove();
            } else if (next == null || e.getValue().isBefore(next)) {
              next = e.getValue();
            }
          }
          if (!dirty.isEmpty()) {
            break;
          }
          try {
            dirty.wait(next == null ? 0 : Math.max(1, Duration.between(now, next).toMillis()));
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
        var it = dirty.iterator();
        key = it.next();
        it.remove();
      }
      try {
        write(key, UnaryOperator.identity());
      } catch (RuntimeException e) {
        LOG.warn("{}: EdgeSite status not written: {}", key, e.getMessage());
      }
    }
  }

  private void write(String key, UnaryOperator<EdgeSiteStatus> extra) {
    int slash = key.indexOf('/');
    SiteFacts f = facts.getOrDefault(key, SiteFacts.NONE);
    recorder.update(key.substring(0, slash), key.substring(slash + 1),
        (site, st) -> extra.apply(EdgeSiteStatuses.apply(f, st, site.getMetadata().getGeneration())));
    lastWrite.put(key, clock.instant());
    if (f.phase() != null) {
      lastPhase.put(key, f.phase());
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (dirty) {
      dirty.notifyAll();
    }
    thread.interrupt();
  }
}
