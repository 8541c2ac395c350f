package io.fedmesh.operator.coordinator;

import io.fedmesh.proto.federation.v1.ServeModel;
import io.fedmesh.proto.federation.v1.ServingState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who serves what: the models each site must serve (from the operator's plan, read on every
 * heartbeat ack), the checkpointed versions a serving site may download, and what each site
 * reports it serves.
 */
public final class ServingBoard {
  /** The models a site must serve now. */
  public interface Planner {
    List<ServeModel> forSite(String namespace, String site);
  }

  /** A checkpointed version of a training, for a serving site to download when it is not the one published for rounds. */
  public interface VersionSource {
    Optional<PublishedModels.Published> load(String training, String version);
  }

  /** Hears a site's report when it differs from the one before. */
  public interface ReportListener {
    void changed(String namespace, String site, List<ServingState> serving);
  }

  private volatile Planner planner = (ns, site) -> List.of();
  private volatile VersionSource versions = (training, version) -> Optional.empty();
  private final Map<String, List<ServingState>> reports = new ConcurrentHashMap<>();
  private final List<ReportListener> listeners = new CopyOnWriteArrayList<>();

  public void plannedBy(Planner p) {
    this.planner = p;
  }

  public void versionsFrom(VersionSource v) {
    this.versions = v;
  }

  public void onReport(ReportListener l) {
    listeners.add(l);
  }

  public List<ServeModel> forSite(String namespace, String site) {
    return planner.forSite(namespace, site);
  }

  /** True when the site is told to serve exactly this version of this training: the only reason a non-participant may download it. */
  public boolean selected(String namespace, String site, String training, String version) {
    return forSite(namespace, site).stream().anyMatch(m -> m.getTraining().equals(training) && m.getVersion().equals(version));
  }

  Optional<PublishedModels.Published> checkpointed(String training, String version) {
    return versions.load(training, version);
  }

  /** Records what a site reports it serves; listeners hear it only when it changed. */
  void report(String namespace, String site, List<ServingState> serving) {
    List<ServingState> before = reports.put(namespace + "/" + site, List.copyOf(serving));
    if (!serving.equals(before == null ? List.of() : before)) {
      listeners.forEach(l -> l.changed(namespace, site, serving));
    }
  }

  /** What the site last reported, empty when it never did. */
  public List<ServingState> reported(String namespace, String site) {
    return reports.getOrDefault(namespace + "/" + site, List.of());
  }
}
