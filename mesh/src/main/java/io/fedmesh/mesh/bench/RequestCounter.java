package io.fedmesh.mesh.bench;

import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Counts the API requests one client (told apart by its User-Agent) sends to the embedded API
 * server, by resource plural and method, and times the server's answers to its writes: what the
 * operator costs the API server, and what the API server costs a reconcile.
 */
final class RequestCounter implements BiConsumer<RecordedRequest, Long> {
  private final String userAgent;
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  /** How long the server took for each of the client's writes, in microseconds (guarded by itself). */
  private final List<Long> writeMicros = new ArrayList<>();

  RequestCounter(String userAgent) {
    this.userAgent = userAgent;
  }

  @Override
  public void accept(RecordedRequest r, Long nanos) {
    String ua = r.getHeader("User-Agent");
    if (ua == null || !ua.contains(userAgent)) {
      return;
    }
    if (!"GET".equals(r.getMethod())) {
      synchronized (writeMicros) {
        writeMicros.add(nanos / 1000);
      }
    }
    counts.computeIfAbsent(plural(r.getPath()) + " " + r.getMethod(), k -> new AtomicLong()).incrementAndGet();
  }

  /** namespaces/x/edgesites/y/status -> edgesites. */
  static String plural(String path) {
    String p = path == null ? "" : path.split("\\?")[0];
    String[] parts = p.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      if (parts[i].equals("namespaces") && i + 2 < parts.length) {
        return parts[i + 2];
      }
    }
    return parts.length == 0 ? "" : parts[parts.length - 1];
  }

  /** The p-th percentile (0..1) of the server's time for this client's writes, in ms, from write {@code from} on. */
  double writeMillis(double p, int from) {
    List<Long> v;
    synchronized (writeMicros) {
      v = new ArrayList<>(writeMicros.subList(Math.min(from, writeMicros.size()), writeMicros.size()));
    }
    if (v.isEmpty()) {
      return Double.NaN;
    }
    v.sort(Long::compare);
    return v.get((int) Math.min(v.size() - 1, Math.floor(p * v.size()))) / 1000.0;
  }

  int writes() {
    synchronized (writeMicros) {
      return writeMicros.size();
    }
  }

  /** A copy of the counts so far. */
  Map<String, Long> snapshot() {
    Map<String, Long> m = new TreeMap<>();
    counts.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  /** Requests between two snapshots whose key starts with {@code plural} (all when null). */
  static long between(Map<String, Long> before, Map<String, Long> after, String plural) {
    long n = 0;
    for (var e : after.entrySet()) {
      if (plural == null || e.getKey().startsWith(plural + " ")) {
        n += e.getValue() - before.getOrDefault(e.getKey(), 0L);
      }
    }
    return n;
  }
}
