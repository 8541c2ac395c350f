package io.fedmesh.edge;

import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.proto.federation.v1.HeartbeatRequest;
import io.fedmesh.proto.federation.v1.ServeModel;
import java.util.List;
import java.util.Map;

/** The package-private {@link TestCoordinator} for tests in other packages (serving). */
public final class TestCoordinatorAccess implements AutoCloseable {
  public static final MlpSpec SPEC = AgentIntegrationTest.SPEC;
  private final TestCoordinator coordinator;

  private TestCoordinatorAccess(TestCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  /** A coordinator whose assignment (never opened) is version v1 with {@code global}. */
  public static TestCoordinatorAccess start(float[] global) {
    return new TestCoordinatorAccess(TestCoordinator.start(0, SPEC, global, AgentIntegrationTest.assignment(
        io.fedmesh.proto.federation.v1.Encoding.ENCODING_F32)));
  }

  public int port() {
    return coordinator.port();
  }

  public Map<String, float[]> versions() {
    return coordinator.versions;
  }

  public void serve(List<ServeModel> models) {
    coordinator.serve = List.copyOf(models);
  }

  public HeartbeatRequest lastHeartbeat() {
    return coordinator.lastHeartbeat();
  }

  @Override
  public void close() {
    coordinator.close();
  }
}
