package io.fedmesh.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of one kind's status (in the spirit of the Flink operator's StatusRecorder).
 * Every producer hands it a change, a function from the current status to the desired one; the
 * recorder applies it to the newest object it knows, writes only when the result differs, and
 * writes with the resourceVersion it read, so a concurrent write is a conflict and the change is re-applied to a fresh
 * read instead of overwriting what the other writer set. Writes of one
 * resource are serialised, so two producers in this process never race each other.
 *
 * <p>The newest object is the one our last write returned, else the caller's cache (an
 * informer), else a GET: a steady writer costs one request per change.
 */
public final class StatusRecorder<S, R extends CustomResource<?, S>> {
  private static final Logger LOG = LoggerFactory.getLogger(StatusRecorder.class);
  private static final ObjectMapper JSON = Serialization.jsonMapper();
  private static final int MAX_CONFLICTS = 8;

  private final KubernetesClient client;
  private final Class<R> type;
  private final Class<S> statusType;
  private final Function<String, Optional<R>> cache;
  /** The object as our last write left it, by namespace/name. */
  private final Map<String, R> lastWritten = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong conflicts = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();

  /** @param cache the informer's view by namespace/name, or {@code k -> Optional.empty()} */
  public StatusRecorder(KubernetesClient client, Class<R> type, Class<S> statusType, Function<String, Optional<R>> cache) {
    this.client = client;
    this.type = type;
    this.statusType = statusType;
    this.cache = cache;
  }

  /**
   * Applies {@code change} to the resource's current status and writes the result if it differs.
   * The change may be applied more than once (after a conflict) and must therefore be a pure
   * function of the status it is given. Returns the status as written (or as it already was), or
   * empty when the resource is gone.
   */
  public Optional<S> update(String namespace, String name, UnaryOperator<S> change) {
    return update(namespace, name, (resource, status) -> change.apply(status));
  }

  /**
   * Sets the top-level fields {@code partial} fills in (the others stay as they are), as a
   * reconciler that owns only some fields of a status writes them.
   */
  public Optional<S> merge(String namespace, String name, S partial) {
    com.fasterxml.jackson.databind.node.ObjectNode fields = JSON.valueToTree(partial);
    return update(namespace, name, st -> {
      com.fasterxml.jackson.databind.node.ObjectNode merged = JSON.valueToTree(st);
      merged.setAll(fields);
      try {
        return JSON.treeToValue(merged, statusType);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(statusType.getSimpleName() + " does not read back: " + e.getMessage(), e);
      }
    });
  }

  /** A change that also reads the resource it applies to (its generation, say). */
  public interface Change<R, S> {
    S apply(R resource, S status);
  }

  /** As {@link #update(String, String, UnaryOperator)}, for a change that reads the resource too. */
  public Optional<S> update(String namespace, String name, Change<R, S> change) {
    return update(namespace, name, change, null, () -> { });
  }

  /**
   * As {@link #update(String, String, UnaryOperator)}, and a write becomes the newest object known
   * together with {@code published}, both under {@code lock}: a reader holding {@code lock} sees
   * either the change still pending or its result, never neither (CoalescingStatusWriter).
   */
  public Optional<S> update(String namespace, String name, UnaryOperator<S> change, Object lock, Runnable published) {
    return update(namespace, name, (resource, status) -> change.apply(status), lock, published);
  }

  private Optional<S> update(String namespace, String name, Change<R, S> change, Object lock, Runnable published) {
    String key = namespace + "/" + name;
    synchronized (locks.computeIfAbsent(key, k -> new Object())) {
      R current = newest(key, namespace, name);
      for (int attempt = 1; current != null; attempt++) {
        S before = current.getStatus();
        S after = change.apply(current, copy(before));
        if (after == null || same(before, after)) {
          skipped.incrementAndGet();
          return Optional.ofNullable(before);
        }
        try {
          R written = write(current, after);
          if (lock == null) {
            lastWritten.put(key, written);
          } else {
            synchronized (lock) {
              lastWritten.put(key, written);
              published.run();
            }
          }
          writes.incrementAndGet();
          return Optional.of(after);
        } catch (KubernetesClientException e) {
          if (e.getCode() == 404) {
            forget(key);
            return Optional.empty();
          }
          if (!isConflict(e) || attempt >= MAX_CONFLICTS) {
            throw e;
          }
          conflicts.incrementAndGet();
          LOG.debug("{} {}: status conflict, re-reading (attempt {})", type.getSimpleName(), key, attempt);
          lastWritten.remove(key);
          current = client.resources(type).inNamespace(namespace).withName(name).get();
        }
      }
      forget(key);
      return Optional.empty();
    }
  }

  /** The newer of {@code seen} (a reconciler's cached copy) and the object our last write returned. */
  public R newest(R seen) {
    R mine = lastWritten.get(seen.getMetadata().getNamespace() + "/" + seen.getMetadata().getName());
    return mine == null || !mine.getMetadata().getUid().equals(seen.getMetadata().getUid()) ? seen : newer(mine, seen);
  }

  /**
   * PUT /status of the object version the change was applied to: the API server refuses it with
   * 409 when someone wrote in between (the local mesh's embedded server does the same, see
   * io.fedmesh.mesh.LockingCrudDispatcher).
   */
  private R write(R current, S status) {
    R desired = JSON.convertValue(current, type);
    desired.setStatus(status);
    return client.resource(desired).updateStatus();
  }

  private static boolean isConflict(KubernetesClientException e) {
    return e.getCode() == 409;
  }

  /** Forgets what this recorder knew of a deleted resource. */
  public void forget(String key) {
    lastWritten.remove(key);
    locks.remove(key);
  }

  /** Status writes sent, conflicts re-applied, changes that changed nothing (for metrics and the benchmark). */
  public long writes() {
    return writes.get();
  }

  public long conflicts() {
    return conflicts.get();
  }

  public long skipped() {
    return skipped.get();
  }

  private R newest(String key, String namespace, String name) {
    R mine = lastWritten.get(key);
    R cached = cache.apply(key).orElse(null);
    if (mine != null && cached != null) {
      return newer(mine, cached);
    }
    if (mine != null) {
      return mine;
    }
    if (cached != null) {
      return cached;
    }
    return client.resources(type).inNamespace(namespace).withName(name).get();
  }

  /** The informer may be ahead of our last write (another writer) or behind it (our write not seen yet). */
  private static <R extends CustomResource<?, ?>> R newer(R a, R b) {
    try {
      return Long.parseLong(a.getMetadata().getResourceVersion()) >= Long.parseLong(b.getMetadata().getResourceVersion()) ? a : b;
    } catch (NumberFormatException e) {
      return b; // opaque versions: trust the informer; a stale one costs one conflict
    }
  }

  private boolean same(S a, S b) {
    JsonNode x = a == null ? null : JSON.valueToTree(a);
    JsonNode y = JSON.valueToTree(b);
    return y.equals(x);
  }

  /** A deep copy of {@code status} a change may alter (a new, empty one for null). */
  public S copy(S status) {
    if (status == null) {
      try {
        return statusType.getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(statusType + " needs a no-argument constructor", e);
      }
    }
    return JSON.convertValue(status, statusType);
  }

}
