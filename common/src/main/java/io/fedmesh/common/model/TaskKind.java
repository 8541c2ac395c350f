package io.fedmesh.common.model;

import io.fedmesh.proto.federation.v1.TaskType;

/** What a model predicts; decides loss, metric and how labels are read. */
public enum TaskKind {
  /** Softmax cross-entropy; metric accuracy (higher is better). Labels are class indices 0..k-1. */
  CLASSIFICATION("accuracy", true),
  /** Mean squared error; metric mse (lower is better). */
  REGRESSION("mse", false);

  private final String metricName;
  private final boolean higherIsBetter;

  TaskKind(String metricName, boolean higherIsBetter) {
    this.metricName = metricName;
    this.higherIsBetter = higherIsBetter;
  }

  public String metricName() {
    return metricName;
  }

  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  public TaskType toProto() {
    return this == CLASSIFICATION ? TaskType.TASK_TYPE_CLASSIFICATION : TaskType.TASK_TYPE_REGRESSION;
  }

  public static TaskKind fromProto(TaskType type) {
    return type == TaskType.TASK_TYPE_REGRESSION ? REGRESSION : CLASSIFICATION;
  }

  /** Parses "classification" / "regression" (any case), naming the allowed values on error. */
  public static TaskKind parse(String text) {
    for (TaskKind kind : values()) {
      if (kind.name().equalsIgnoreCase(text)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown task '" + text + "': use classification or regression");
  }
}
