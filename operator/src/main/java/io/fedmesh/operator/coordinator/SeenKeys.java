package io.fedmesh.operator.coordinator;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** A training's idempotency keys seen by round, so old rounds' keys can be dropped. Not thread-safe: the inbox locks it. */
final class SeenKeys {
  private final Map<Integer, Set<String>> byRound = new HashMap<>();

  boolean contains(String key) {
    return byRound.values().stream().anyMatch(s -> s.contains(key));
  }

  void add(int round, String key) {
    byRound.computeIfAbsent(round, r -> new HashSet<>()).add(key);
  }

  /** Keeps the keys of {@code round} and the round before it. */
  void keepFrom(int round) {
    byRound.keySet().removeIf(r -> r < round - 1);
  }
}
