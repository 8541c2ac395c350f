package io.fedmesh.operator.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a kind's status from one thread, the newest desired status per object: a reconcile
 * hands over what the status should be and returns, without waiting on the API server, and an
 * object whose status changed three times before the writer came to it is written once. Readers
 * see the desired status at once ({@link #newest}), so the next reconcile builds on it.
 *
 * <p>For a kind whose status is a projection of progress kept elsewhere (a training's is its
 * checkpoints): a status lost in a crash before it was written makes the next operator redo work,
 * never skip it. Writes go through the kind's {@link StatusRecorder}, so they lock on
 * resourceVersion and skip what changed nothing.
 */
public final class CoalescingStatusWriter<S, R extends CustomResource<?, S>> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CoalescingStatusWriter.class);

  private final StatusRecorder<S, R> recorder;
  private final Class<R> type;
  /** Desired statuses not yet written, by namespace/name, oldest first (guarded by itself). */
  private final Map<String, S> pending = new LinkedHashMap<>();
  /** The status being written now, visible to readers until the recorder knows it (guarded by pending). */
  private String writingKey;
  private S writingStatus;
  private final Thread thread;
  private volatile boolean closed;

  public CoalescingStatusWriter(StatusRecorder<S, R> recorder, Class<R> type, String name) {
    this.recorder = recorder;
    this.type = type;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** The status {@code namespace/name} should have; replaces one not yet written. */
  public void submit(String namespace, String name, S status) {
    synchronized (pending) {
      String key = namespace + "/" + name;
      pending.remove(key); // re-queued at the end: the oldest waiting object goes first
      pending.put(key, status);
      pending.notifyAll();
    }
  }

  /** {@code seen} with the status this writer will write, if one is waiting. */
  public R newest(R seen) {
    R base = recorder.newest(seen);
    S desired;
    String key = base.getMetadata().getNamespace() + "/" + base.getMetadata().getName();
    synchronized (pending) {
      desired = pending.get(key);
      if (desired == null && key.equals(writingKey)) {
        desired = writingStatus;
      }
    }
    if (desired == null) {
      return base;
    }
    R copy = Serialization.jsonMapper().convertValue(base, type);
    copy.setStatus(desired);
    return copy;
  }

  /** A deleted object: its waiting status is dropped. */
  public void forget(String key) {
    synchronized (pending) {
      pending.remove(key);
    }
    recorder.forget(key);
  }

  /** Statuses waiting or being written. */
  public int backlog() {
    synchronized (pending) {
      return pending.size() + (writingKey != null ? 1 : 0);
    }
  }

  private void run() {
    while (true) {
      String key;
      S status;
      synchronized (pending) {
        while (pending.isEmpty() && !closed) {
          try {
            pending.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (pending.isEmpty()) {
          return; // closed and flushed
        }
        var first = pending.entrySet().iterator().next();
        key = first.getKey();
        status = first.getValue();
        pending.remove(key);
        writingKey = key;
        writingStatus = status;
      }
      try {
        int slash = key.indexOf('/');
        recorder.update(key.substring(0, slash), key.substring(slash + 1), current -> status);
      } catch (RuntimeException e) {
        LOG.warn("{} {}: status not written ({}); trying again", type.getSimpleName(), key, e.getMessage());
        synchronized (pending) {
          pending.putIfAbsent(key, status); // unless a newer one came meanwhile
          if (!closed) {
            try {
              pending.wait(500); // the API server is in trouble: do not spin on it
            } catch (InterruptedException ie) {
              return;
            }
          }
        }
      } finally {
        synchronized (pending) {
          writingKey = null;
          writingStatus = null;
          pending.notifyAll();
        }
      }
    }
  }

  /** Writes what is waiting (at most {@code 5 s}), then stops. */
  @Override
  public void close() {
    closed = true;
    synchronized (pending) {
      pending.notifyAll();
    }
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.interrupt();
  }
}
