package io.fedmesh.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.operator.rounds.TrainingRunners;
import io.fedmesh.operator.status.EventRecorder;
import io.fedmesh.operator.status.StatusPatcher;

/** What reconcilers share within one operator process. */
public record OperatorContext(KubernetesClient client, OperatorConfig config, Federation federation, CheckpointStore checkpoints,
    TrainingRunners runners, StatusPatcher patcher, EventRecorder events, OperatorMetrics metrics,
    io.fedmesh.operator.hpc.BridgeClient bridges) {}
