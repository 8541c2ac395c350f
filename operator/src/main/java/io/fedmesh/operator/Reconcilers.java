package io.fedmesh.operator;

import io.fedmesh.operator.hpc.HpcClusterReconciler;
import io.fedmesh.operator.hpc.SimulationBurstReconciler;
import io.fedmesh.operator.reconciler.DistributedModelReconciler;
import io.fedmesh.operator.reconciler.EdgeSiteReconciler;
import io.fedmesh.operator.reconciler.FederatedTrainingReconciler;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import java.util.List;

/** Every reconciler of the operator, registered in one place. */
final class Reconcilers {
  private Reconcilers() {}

  static List<Reconciler<?>> all(OperatorContext ctx) {
    return List.of(
        new EdgeSiteReconciler(ctx.siteStatus(), ctx.metrics().reconcile("EdgeSite")),
        new DistributedModelReconciler(ctx.modelStatus(), ctx.events(), ctx.metrics().reconcile("DistributedModel"), ctx.resolver()),
        new FederatedTrainingReconciler(ctx.models()::get, ctx.rounds(), ctx.wakeups(), ctx.trainingStatus(), ctx.events(),
            ctx.metrics().reconcile("FederatedTraining"), new io.fedmesh.operator.validation.MemoryBudget(ctx.config().memoryBudgetBytes()),
            ns -> ctx.sites().inNamespace(ns).size(), ctx.resolver()),
        new HpcClusterReconciler(ctx.bridges(), ctx.clusterStatus(), ctx.metrics().reconcile("HpcCluster")),
        new SimulationBurstReconciler(ctx.client(), ctx.bridges(), ctx.burstStatus(), ctx.events(), ctx.config().checkpointDir(),
            ctx.metrics().reconcile("SimulationBurst")));
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  static void registerAll(Operator operator, OperatorContext ctx, OperatorConfig config) {
    for (Reconciler r : all(ctx)) {
      if (config.watchAllNamespaces()) {
        operator.register(r, o -> o.watchingAllNamespaces());
      } else {
        operator.register(r, o -> o.settingNamespace(config.namespace()));
      }
    }
  }
}
