package io.fedmesh.hpc.slurm;

/** The scheduler refused or failed a request; the message is Slurm's own, trimmed. */
public final class SchedulerException extends RuntimeException {
  public SchedulerException(String message, Throwable cause) {
    super(message, cause);
  }
}
