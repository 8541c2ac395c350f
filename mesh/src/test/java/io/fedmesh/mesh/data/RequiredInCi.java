package io.fedmesh.mesh.data;

import org.junit.jupiter.api.Assumptions;

/** A test's precondition on the machine (a Debian data package): skipped with its reason at a desk, a failure in CI. */
final class RequiredInCi {
  private RequiredInCi() {}

  static void assume(boolean ready, String why) {
    if (!ready && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true and the test cannot run: " + why + " (scripts/test.sh installs what the tests need)");
    }
    Assumptions.assumeTrue(ready, why);
  }
}
