package io.fedmesh.operator.rounds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.models.InitialModel;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TensorLayout;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import java.util.Optional;
import io.fedmesh.operator.aggregation.StatefulStrategy;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.operator.status.EventRecorder;
import io.fedmesh.operator.validation.ModelResolver;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory runs of this operator's trainings, by namespace/name. A run is built on the first
 * reconcile that needs it: from scratch for a new training, or from status and the checkpoint
 * volume after an operator restart or a leader change.
 */
public final class TrainingRuns {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingRuns.class);

  /** A run, or why none could be built (the training fails with this reason). */
  /**
   * The run, or why the training cannot start ({@code failReason}), or neither: the run was ended
   * after the caller saw it running (the operator is stopping), so it has no model to build one.
   */
  record Started(TrainingRun run, String failReason, String failMessage) {
    static final Started GONE = new Started(null, null, null);

    boolean gone() {
      return run == null && failReason == null;
    }
  }

  private final KubernetesClient client;
  private final Federation federation;
  private final CheckpointStore checkpoints;
  private final EventRecorder events;
  private final Function<String, Optional<io.fedmesh.api.v1alpha1.SimulationBurst>> bursts;
  private final Map<String, TrainingRun> runs = new ConcurrentHashMap<>();
  private final ModelResolver resolver;

  public TrainingRuns(KubernetesClient client, Federation federation, CheckpointStore checkpoints, EventRecorder events,
      Function<String, Optional<io.fedmesh.api.v1alpha1.SimulationBurst>> bursts, ModelResolver resolver) {
    this.resolver = resolver;
    this.client = client;
    this.federation = federation;
    this.checkpoints = checkpoints;
    this.events = events;
    this.bursts = bursts;
  }

  Optional<TrainingRun> get(String key) {
    return Optional.ofNullable(runs.get(key));
  }

  /**
   * The runs a change of {@code site} concerns: those waiting for sites to open a round, and those
   * whose open round selected it. Others would wake for nothing (after an operator restart every
   * agent registers again, and a training mid-round does not care).
   */
  public Collection<String> concernedBy(String namespace, String site) {
    return runs.values().stream()
        .filter(r -> r.namespace.equals(namespace) && (r.open == null || r.open.participants().contains(site)))
        .map(r -> r.key).toList();
  }

  /** The run of {@code ft}, built if this operator has none for its uid. */
  Started obtain(FederatedTraining ft, DistributedModel dm) {
    String key = ft.getMetadata().getNamespace() + "/" + ft.getMetadata().getName();
    TrainingRun existing = runs.get(key);
    if (existing != null && existing.uid.equals(ft.getMetadata().getUid())) {
      return new Started(existing, null, null);
    }
    if (existing != null) {
      discard(key); // a training of the same name was deleted and created again
    }
    if (dm == null) {
      // the caller saw a run and passed no model; it has been ended since (endAll at shutdown).
      // Building it without its model would fail it for good: a terminal status the next operator
      // would never resume.
      return Started.GONE;
    }
    Started s = build(ft, dm);
    if (s.run() != null) {
      runs.put(key, s.run());
    }
    return s;
  }

  private Started build(FederatedTraining ft, DistributedModel dm) {
    String ns = ft.getMetadata().getNamespace();
    String name = ft.getMetadata().getName();
    ModelResolver.Resolved resolved = resolver.resolve(dm.getSpec());
    if (resolved.spec() == null) {
      return new Started(null, "ValidationFailed", "DistributedModel " + ft.getSpec().modelRef + ": " + resolved.validation().message());
    }
    ModelDescription spec = resolved.spec();
    FederatedTrainingStatus st = ft.getStatus();
    int done = st == null || st.round == null ? 0 : st.round;
    float[] global;
    String version;
    if (done > 0 && st.modelVersion != null) {
      global = checkpoints.load(ns, name, st.modelVersion).orElse(null);
      if (global == null || global.length != spec.parameterCount()) {
        return new Started(null, "CheckpointMissing", "status says round " + done + " (version " + st.modelVersion + ") but checkpoint "
            + checkpoints.root().resolve(ns).resolve(name) + " has no matching weights; restore the checkpoint volume or recreate the training");
      }
      Optional<TensorLayout> saved = checkpoints.meta(ns, name, st.modelVersion).flatMap(CheckpointStore.Meta::layout);
      if (saved.isPresent() && !saved.get().equals(spec.layout())) {
        return new Started(null, "CheckpointMismatch", "checkpoint " + st.modelVersion + " holds tensors " + firstDifference(saved.get(),
            spec.layout()) + ": the DistributedModel changed since; restore its spec or recreate the training");
      }
      version = st.modelVersion;
      LOG.info("{}/{}: resuming after round {} from checkpoint {}", ns, name, done, version);
      events.normal(ft, "Resumed", "resuming after round " + done + " from checkpoint " + version);
    } else {
      global = InitialModel.of(spec, TrainingRun.seedOf(pinned(st, ft), ft)).weights();
      version = name + "-r0";
    }
    String pinned = pinned(st, ft);
    SimulationFeed feed = new SimulationFeed(client, federation, events, ft, bursts);
    federation.drainBytes(ns + "/" + name);
    TrainingRun run = new TrainingRun(ft, spec, feed, pinned, global, version);
    run.quarantine.restore(st);
    if (done > 0 && run.aggregator instanceof StatefulStrategy stateful) {
      restoreState(ft, run, stateful);
    }
    run.recovery = run.buffered == null ? recover(ft, run, done) : null; // a buffer recovers updates of several rounds itself
    return new Started(run, null, null);
  }

  /**
   * The round after {@code done} as the previous process left it: the updates it acknowledged
   * (trained from this run's model version) and the sites it had selected. Files of rounds
   * already in a checkpoint are removed.
   */
  private Recovery recover(FederatedTraining ft, TrainingRun run, int done) {
    federation.inbox.removePersisted(run.key, done);
    int round = done + 1;
    Set<String> delivered = new TreeSet<>(); // read whole and checked, one at a time; only the site is kept
    federation.inbox.persisted(run.key, round, Math.toIntExact(run.model.parameterCount()), run.base(),
        u -> delivered.add(u.update().site()));
    FederatedTrainingStatus st = ft.getStatus();
    Set<String> participants = new TreeSet<>();
    if (st != null && st.roundStartedAt != null && st.currentParticipants != null) {
      participants.addAll(st.currentParticipants); // the round was open: who it waited for
    }
    participants.addAll(delivered);
    if (participants.isEmpty()) {
      return null;
    }
    if (!delivered.isEmpty()) {
      String sites = List.copyOf(delivered).toString();
      LOG.info("{}: round {} resumes with {} update(s) acknowledged before the restart: {}", run.key, round, delivered.size(), sites);
      events.normal(ft, "UpdatesRecovered", "round " + round + " resumes with the updates of " + sites
          + " acknowledged before the operator restarted");
    }
    return new Recovery(round, delivered, participants);
  }

  /** FedAdam's moments continue from the checkpoint they were saved with; lost ones start again from zero, said aloud. */
  private void restoreState(FederatedTraining ft, TrainingRun run, StatefulStrategy stateful) {
    float[] state = checkpoints.loadState(run.namespace, run.name, run.version).orElse(null);
    if (state == null) {
      String why = "no strategy state beside checkpoint " + run.version + " (written by an operator before " + run.strategy.type
          + " kept it): its moments start again from zero";
      LOG.warn("{}: {}", run.key, why);
      events.warning(ft, "StrategyStateMissing", why);
      return;
    }
    try {
      stateful.restore(state, run.global.length);
    } catch (IllegalArgumentException e) {
      LOG.warn("{}: {}; its moments start again from zero", run.key, e.getMessage());
      events.warning(ft, "StrategyStateMissing", e.getMessage() + "; its moments start again from zero");
      return;
    }
    LOG.info("{}: {} state restored from checkpoint {}", run.key, run.strategy.type, run.version);
  }

  /** The fields a run keeps from its start: the model it trains and how updates aggregate. */
  static String pinnedSpec(FederatedTrainingSpec spec) {
    ObjectNode n = Serialization.jsonMapper().createObjectNode();
    n.put("modelRef", spec.modelRef);
    n.set("strategy", Serialization.jsonMapper().valueToTree(spec.strategy));
    if (spec.seed != null) {
      n.put("seed", spec.seed); // absent when unset: runs pinned before spec.seed existed still match
    }
    return n.toString();
  }

  /** The pinned spec of status (a run that started before), else the spec's. */
  private static String pinned(FederatedTrainingStatus st, FederatedTraining ft) {
    return st != null && st.pinnedSpec != null ? st.pinnedSpec : pinnedSpec(ft.getSpec());
  }

  /** The training ended or is gone: nothing of it stays, in memory or in the durable inbox. */
  public void discard(String key) {
    end(key);
    federation.inbox.discard(key);
  }

  /** This process lets go of the run (shutdown, or a spec that no longer validates): acknowledged updates stay on disk. */
  public void end(String key) {
    TrainingRun run = runs.remove(key);
    federation.assignments.withdrawAll(key);
    federation.inbox.forget(key);
    federation.models.remove(key);
    federation.forgetBytes(key);
    if (run != null) {
      run.simulation.close();
    }
  }

  public void endAll() {
    runs.keySet().forEach(this::end);
  }

  /** Where two layouts part: the first tensor that differs, or the count. */
  public static String firstDifference(TensorLayout saved, TensorLayout now) {
    for (int i = 0; i < Math.min(saved.tensors().size(), now.tensors().size()); i++) {
      if (!saved.tensors().get(i).equals(now.tensors().get(i))) {
        return saved.tensors().get(i) + " where the model now has " + now.tensors().get(i);
      }
    }
    return saved.tensors().size() + " tensors where the model now has " + now.tensors().size();
  }
}
