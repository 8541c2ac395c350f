package io.fedmesh.hpc.engine;

/** How a burst's dependent tasks are scheduled. */
public enum ExecutionMode {
  /** A task starts as soon as its inputs are done and cores are free. */
  ASYNC,
  /** Stage after stage: a task waits for the whole previous stage (lock-step pipelines). */
  BARRIER
}
