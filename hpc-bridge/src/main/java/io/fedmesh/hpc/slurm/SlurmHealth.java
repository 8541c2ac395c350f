package io.fedmesh.hpc.slurm;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Whether slurmctld answers ({@code scontrol ping}, bounded): checked before work is sent to it. */
public final class SlurmHealth {
  private SlurmHealth() {}

  /** Empty when slurmctld is up; otherwise what is wrong, in Slurm's words where it gave any. */
  public static Optional<String> problem(Duration timeout) {
    try {
      CommandRunner.Result r = new CommandRunner(timeout).run(List.of("scontrol", "ping"));
      if (r.ok() && r.stdout().contains("UP")) {
        return Optional.empty();
      }
      String said = (r.stdout() + " " + r.stderr()).strip().replaceAll("\\s+", " ");
      return Optional.of("slurmctld does not answer (scontrol ping: " + SlurmText.excerpt(said) + ")");
    } catch (SchedulerException e) {
      return Optional.of(e.getMessage());
    }
  }
}
