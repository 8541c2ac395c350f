package io.fedmesh.operator.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a kind's status from one thread, off the reconcile path: a producer hands over a change
 * and returns without waiting on the API server. Changes to one object that arrive before the
 * writer comes to it are composed and written once (a training whose status changed three times,
 * a model that got versions from ten trainings). Readers see the changes at once
 * ({@link #newest}), so the next reconcile builds on them.
 *
 * <p>Changes must be pure and idempotent (a replacement, an append of a named entry): one may be
 * applied again after a conflict, or twice in a reader's view while it is being written. For a
 * status that projects progress kept elsewhere (a training's is its checkpoints), a change lost in
 * a crash makes the next operator redo work, never skip it. Writes go through the kind's
 * {@link StatusRecorder}, so they lock on resourceVersion and skip what changed nothing.
 */
public final class CoalescingStatusWriter<S, R extends CustomResource<?, S>> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CoalescingStatusWriter.class);

  private final StatusRecorder<S, R> recorder;
  private final Class<R> type;
  /** Changes not yet written, by namespace/name, the longest waiting first (guarded by itself). */
  private final Map<String, UnaryOperator<S>> pending = new LinkedHashMap<>();
  /** The change being written now, visible to readers until the recorder knows its result (guarded by pending). */
  private String writingKey;
  private UnaryOperator<S> writingChange;
  private final Thread thread;
  private volatile boolean closed;

  public CoalescingStatusWriter(StatusRecorder<S, R> recorder, Class<R> type, String name) {
    this.recorder = recorder;
    this.type = type;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** The status {@code namespace/name} should have, whatever it has now. */
  public void replace(String namespace, String name, S status) {
    submit(namespace, name, current -> status);
  }

  /** A change of {@code namespace/name}'s status, applied after those still waiting. */
  public void submit(String namespace, String name, UnaryOperator<S> change) {
    synchronized (pending) {
      pending.merge(namespace + "/" + name, change, (earlier, later) -> st -> later.apply(earlier.apply(st)));
      pending.notifyAll();
    }
  }

  /** {@code seen} with the changes this writer has yet to write applied. */
  public R newest(R seen) {
    R base;
    String key = seen.getMetadata().getNamespace() + "/" + seen.getMetadata().getName();
    UnaryOperator<S> writing;
    UnaryOperator<S> waiting;
    // one snapshot: the written object and the change being written are swapped under this lock (see run), so a
    // write that completes meanwhile is seen as its result or as its change, never lost between the two
    synchronized (pending) {
      base = recorder.newest(seen);
      writing = key.equals(writingKey) ? writingChange : null;
      waiting = pending.get(key);
    }
    if (writing == null && waiting == null) {
      return base;
    }
    R copy = Serialization.jsonMapper().convertValue(base, type);
    S st = recorder.copy(base.getStatus());
    if (writing != null) {
      st = writing.apply(st);
    }
    if (waiting != null) {
      st = waiting.apply(st);
    }
    copy.setStatus(st);
    return copy;
  }

  /** A deleted object: its waiting changes are dropped. */
  public void forget(String key) {
    synchronized (pending) {
      pending.remove(key);
    }
    recorder.forget(key);
  }

  /** Objects with changes waiting or being written. */
  public int backlog() {
    synchronized (pending) {
      return pending.size() + (writingKey != null ? 1 : 0);
    }
  }

  private void run() {
    while (true) {
      String key;
      UnaryOperator<S> change;
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
        change = first.getValue();
        pending.remove(key);
        writingKey = key;
        writingChange = change;
      }
      try {
        int slash = key.indexOf('/');
        recorder.update(key.substring(0, slash), key.substring(slash + 1), change, pending, () -> {
          writingKey = null; // held: pending, with the written object published in the same breath
          writingChange = null;
        });
      } catch (RuntimeException e) {
        LOG.warn("{} {}: status not written ({}); trying again", type.getSimpleName(), key, e.getMessage());
        synchronized (pending) {
          // before any change that came meanwhile
          UnaryOperator<S> later = pending.remove(key);
          pending.put(key, later == null ? change : st -> later.apply(change.apply(st)));
          writingKey = null; // waiting again, no longer being written: a reader must not apply it twice
          writingChange = null;
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
          writingChange = null;
          pending.notifyAll();
        }
      }
    }
  }

  /** Writes what is waiting (at most 5 s), then stops. */
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
