package io.fedmesh.operator.coordinator;

import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.operator.checkpoint.AcceptedUpdateStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The buffer of one BufferedAsync training: updates accepted since the newest version was made,
 * each with the round it was trained for (round r trains version r-1), so the fold knows its
 * staleness. Unlike a synchronous round it takes updates of several rounds: those at most
 * maxStaleness versions behind the newest; a staler one is refused by name. A site puts at most
 * one update into a buffer (its next assignment comes with the next version). The inbox holds it
 * and keeps its discipline: persisted before acknowledged, a key counted once.
 */
public final class UpdateBuffer {
  /** One buffered update and the round it answers. */
  public record Entry(int round, String idempotencyKey, ClientUpdate update) {}

  private final String uid;
  private final String name;
  private final int maxStaleness;
  /** The round of the newest version's assignments: that version is {@code name-r(round-1)}. */
  private int round;
  /** Sites with an open assignment and its round: only they may deliver, one entry each. */
  private final Map<String, Integer> assigned = new HashMap<>();
  /** In arrival order: a fold takes the K that came first. */
  private final Map<String, Entry> updates = new java.util.LinkedHashMap<>();
  /** Refusals since the last fold, site to reason; bounded by the assigned sites. */
  private final Map<String, String> refused = new TreeMap<>();
  /** Accepted keys by round, kept while their round may still deliver (resends are duplicates). */
  private final Map<Integer, Set<String>> seen = new HashMap<>();

  UpdateBuffer(String uid, String name, int maxStaleness, int round) {
    this.uid = uid;
    this.name = name;
    this.maxStaleness = maxStaleness;
    this.round = round;
  }

  /** What round {@code r}'s updates are trained from: this training object's version r-1. */
  public String baseVersion(int r) {
    return uid + "/" + versionName(r);
  }

  /** The model version round {@code r} trains ({@code name-r(r-1)}). */
  public String versionName(int r) {
    return name + "-r" + (r - 1);
  }

  public synchronized int round() {
    return round;
  }

  public int maxStaleness() {
    return maxStaleness;
  }

  /** The newest version is made: its round opens, rounds too stale to deliver forget their keys. */
  public synchronized void advance(int newRound) {
    round = newRound;
    seen.keySet().removeIf(r -> r < newRound - maxStaleness - 1);
  }

  /** Hands {@code site} an assignment for {@code r} (the newest round); an older one of it lapses. */
  public synchronized void assign(String site, int r) {
    assigned.put(site, r);
  }

  /** Sites with an open assignment, by its round (a copy). */
  public synchronized Map<String, Integer> assigned() {
    return new TreeMap<>(assigned);
  }

  /** The assignment of a site that left: it may still deliver while fresh enough, but nobody waits for it. */
  public synchronized void unassign(String site) {
    assigned.remove(site);
  }

  /** Versions an update of round {@code r} is behind the newest. */
  public synchronized int staleness(int r) {
    return round - r;
  }

  /** Why an update of {@code site} for round {@code r} is not read at all, or empty when it may come. */
  synchronized Optional<String> unexpected(String site, int r) {
    Integer open = assigned.get(site);
    if (open == null || open != r) {
      return Optional.of("site " + site + " has no open assignment for round " + r);
    }
    int s = round - r;
    if (s > maxStaleness) {
      return Optional.of("update of site " + site + " was trained from " + versionName(r) + ", " + s + " versions behind the newest "
          + versionName(round) + "; spec.strategy.bufferedAsync.maxStaleness is " + maxStaleness);
    }
    return Optional.empty();
  }

  synchronized boolean seen(String key) {
    return seen.values().stream().anyMatch(k -> k.contains(key));
  }

  /**
   * Records a refusal for round {@code r}: at admission (an assigned site that has not delivered;
   * its assignment lapses, a new one comes with the next version) or, with {@code dropAccepted}, of
   * a buffered update at the fold (the norm bound). False for anything else, so a stranger cannot
   * write into the record.
   */
  synchronized boolean refuse(String site, int r, String reason, boolean dropAccepted) {
    if (dropAccepted) {
      Entry e = updates.get(site);
      if (e == null || e.round() != r) {
        return false;
      }
      updates.remove(site);
    } else {
      Integer open = assigned.get(site);
      if (open == null || open != r) {
        return false;
      }
      assigned.remove(site);
    }
    refused.putIfAbsent(site, UpdateInbox.printable(reason));
    return true;
  }

  /** Takes an update that passed admission; persisted by the caller first. Null when accepted, else why not. */
  synchronized String accept(int r, String key, ClientUpdate update) {
    Optional<String> why = unexpected(update.site(), r);
    if (why.isPresent()) {
      return why.get();
    }
    updates.put(update.site(), new Entry(r, key, update));
    assigned.remove(update.site());
    seen.computeIfAbsent(r, x -> new java.util.HashSet<>()).add(key);
    return null;
  }

  /** Puts an update read back from disk after a restart; false when it is too stale or its site delivered already. */
  public synchronized boolean restore(AcceptedUpdateStore.Stored stored, int r) {
    String site = stored.update().site();
    if (round - r > maxStaleness || updates.containsKey(site) || !stored.baseVersion().equals(baseVersion(r))) {
      return false;
    }
    updates.put(site, new Entry(r, stored.idempotencyKey(), stored.update()));
    seen.computeIfAbsent(r, x -> new java.util.HashSet<>()).add(stored.idempotencyKey());
    return true;
  }

  /** The buffered updates in arrival order (a copy). */
  public synchronized List<Entry> buffered() {
    return new ArrayList<>(updates.values());
  }

  public synchronized int size() {
    return updates.size();
  }

  /** Sites that delivered into this buffer. */
  public synchronized Set<String> deliveredSites() {
    return Set.copyOf(updates.keySet());
  }

  /** The refusals since the last fold (a sorted copy). */
  public synchronized Map<String, String> refusals() {
    return new TreeMap<>(refused);
  }

  /**
   * The fold of version {@code round} took these updates: they leave the buffer with the refusals
   * it announced, and the next round opens at once, so what arrives from now on is judged against
   * the version being made. Returns the entries left that this makes staler than maxStaleness (they
   * arrived while the fold was chosen): the caller refuses them on record.
   */
  public synchronized List<Entry> foldedAndAdvanced(List<Entry> taken, java.util.Set<String> announced) {
    folded(taken, announced);
    advance(round + 1);
    return updates.values().stream().filter(e -> round - e.round() > maxStaleness).toList();
  }

  /**
   * The fold took these updates: they leave the buffer, with the refusals it announced (of
   * {@code announced} sites). A refusal recorded while the fold was chosen stays, to be announced:
   * clearing them all lost a stale update's refusal that arrived just then.
   */
  public synchronized void folded(List<Entry> taken, java.util.Set<String> announced) {
    taken.forEach(e -> updates.remove(e.update().site(), e));
    refused.keySet().removeAll(announced);
  }
}
