package io.fedmesh.mesh.bench;

import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Counts the API requests one client (told apart by its User-Agent) sends to the embedded API
 * server, by resource plural and method: what the operator costs the API server.
 */
final class RequestCounter implements Consumer<RecordedRequest> {
  private final String userAgent;
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

  RequestCounter(String userAgent) {
    this.userAgent = userAgent;
  }

  @Override
  public void accept(RecordedRequest r) {
    String ua = r.getHeader("User-Agent");
    if (ua == null || !ua.contains(userAgent)) {
      return;
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
