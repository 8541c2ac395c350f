package io.fedmesh.hpc.apps;

import java.util.List;

/**
 * A program the bridge's admin allows bursts to run: the only way a task gets a command line. The
 * argv it returns is executed as it is (no shell ever reads it), so a parameter value stays one
 * literal argument whatever characters it holds.
 */
public interface Application {
  /** The name tasks use to ask for it ({@code TaskSpec.application}). */
  String name();

  /**
   * The argv of one task.
   *
   * @throws IllegalArgumentException naming the parameter at fault and the fix
   */
  List<String> command(TaskInvocation task);

  /** Wall-clock limit for tasks that set none; 0 for no limit. */
  int defaultWalltimeSeconds();
}
