package io.fedmesh.operator.serving;

import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelStatus;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.operator.coordinator.ServingBoard;
import io.fedmesh.operator.status.CoalescingStatusWriter;
import io.fedmesh.proto.federation.v1.ServeModel;
import io.fedmesh.proto.federation.v1.ServingState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * {@code DistributedModel.status.servingSites}: every site the serving selector picks, the version
 * it was told and the one it answers with, ready or why not. Rewritten when a site's report changes.
 */
public final class ServingStatus {
  private final ServingBoard board;
  private final Function<String, List<EdgeSite>> sitesIn;
  private final Function<String, List<DistributedModel>> modelsIn;
  private final CoalescingStatusWriter<DistributedModelStatus, DistributedModel> writer;
  /** (namespace, site): true while the coordinator hears no heartbeat from the site. */
  private final java.util.function.BiPredicate<String, String> offline;

  public ServingStatus(ServingBoard board, Function<String, List<EdgeSite>> sitesIn, Function<String, List<DistributedModel>> modelsIn,
      CoalescingStatusWriter<DistributedModelStatus, DistributedModel> writer, java.util.function.BiPredicate<String, String> offline) {
    this.board = board;
    this.offline = offline;
    this.sitesIn = sitesIn;
    this.modelsIn = modelsIn;
    this.writer = writer;
  }

  /** The site's report or liveness changed: the models that select it get their servingSites again. */
  public void siteReported(String namespace, String site) {
    for (DistributedModel m : modelsIn.apply(namespace)) {
      boolean selectsSite = sitesIn.apply(namespace).stream()
          .anyMatch(s -> s.getMetadata().getName().equals(site) && ServingPlan.selects(m, s.getMetadata().getLabels()));
      boolean listed = m.getStatus() != null && m.getStatus().servingSites.stream().anyMatch(s -> site.equals(s.site));
      if (selectsSite || listed) {
        List<DistributedModelStatus.ServingSite> sites = servingSites(m);
        writer.submit(namespace, m.getMetadata().getName(), st -> {
          st.servingSites = sites;
          return st;
        });
      }
    }
  }

  /** The servingSites of a model now, site by site in name order. */
  public List<DistributedModelStatus.ServingSite> servingSites(DistributedModel m) {
    String ns = m.getMetadata().getNamespace();
    String name = m.getMetadata().getName();
    List<DistributedModelStatus.ServingSite> out = new ArrayList<>();
    for (EdgeSite site : sitesIn.apply(ns)) {
      if (!ServingPlan.selects(m, site.getMetadata().getLabels())) {
        continue;
      }
      String siteName = site.getMetadata().getName();
      DistributedModelStatus.ServingSite s = new DistributedModelStatus.ServingSite();
      s.site = siteName;
      s.wanted = board.forSite(ns, siteName).stream().filter(x -> x.getModel().equals(name)).map(ServeModel::getVersion).findFirst()
          .orElse(null);
      ServingState reported = board.reported(ns, siteName).stream().filter(x -> x.getModel().equals(name)).findFirst().orElse(null);
      if (reported != null) {
        s.version = reported.getVersion().isEmpty() ? null : reported.getVersion();
        s.port = reported.getPort() == 0 ? null : reported.getPort();
      }
      boolean gone = offline.test(ns, siteName);
      s.ready = !gone && reported != null && reported.getReady() && s.wanted != null && Objects.equals(s.wanted, s.version);
      s.message = s.ready ? null : gone ? "the site is Offline: no heartbeat, its last report may be stale" : whyNot(m, s, reported);
      out.add(s);
    }
    out.sort(java.util.Comparator.comparing(x -> x.site));
    return out;
  }

  private static String whyNot(DistributedModel m, DistributedModelStatus.ServingSite s, ServingState reported) {
    String nothing = ServingPlan.nothingToServe(m);
    if (nothing != null) {
      return nothing;
    }
    if (reported == null) {
      return "the site has not reported serving " + s.wanted + " yet";
    }
    if (!reported.getMessage().isEmpty()) {
      return reported.getMessage();
    }
    return "loading " + s.wanted + (s.version == null ? "" : " (answers with " + s.version + " meanwhile)");
  }
}
