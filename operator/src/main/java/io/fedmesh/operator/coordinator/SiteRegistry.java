package io.fedmesh.operator.coordinator;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Live sessions by site and by session id. */
public final class SiteRegistry {
  private final Map<String, SiteSession> bySite = new ConcurrentHashMap<>();
  private final Map<String, SiteSession> bySession = new ConcurrentHashMap<>();

  /** Replaces any earlier session of the same site. */
  public void put(SiteSession session) {
    SiteSession previous = bySite.put(session.key(), session);
    if (previous != null) {
      bySession.remove(previous.sessionId);
    }
    bySession.put(session.sessionId, session);
  }

  public Optional<SiteSession> bySession(String sessionId) {
    return Optional.ofNullable(bySession.get(sessionId));
  }

  public Optional<SiteSession> get(String namespace, String site) {
    return Optional.ofNullable(bySite.get(namespace + "/" + site));
  }

  public List<SiteSession> inNamespace(String namespace) {
    return bySite.values().stream().filter(s -> s.namespace.equals(namespace)).toList();
  }

  public Collection<SiteSession> all() {
    return bySite.values();
  }
}
