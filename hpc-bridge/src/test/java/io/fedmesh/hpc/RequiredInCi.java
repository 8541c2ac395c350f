package io.fedmesh.hpc;

import org.junit.jupiter.api.Assumptions;

/** A test's precondition on the machine (Slurm up, Open MPI present): skipped with its reason at a desk, a failure in CI. */
public final class RequiredInCi {
  private RequiredInCi() {}

  public static void assume(boolean ready, String why) {
    if (!ready && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true and the test cannot run: " + why + " (scripts/test.sh installs and starts what the tests need)");
    }
    Assumptions.assumeTrue(ready, why);
  }
}
