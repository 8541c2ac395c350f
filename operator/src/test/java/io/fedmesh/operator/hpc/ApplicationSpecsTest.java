package io.fedmesh.operator.hpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.api.v1alpha1.SimulationBurst;
import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fedmesh.proto.hpc.v1.SubmitBurstRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApplicationSpecsTest {
  static SimulationBurstSpec.SweepParameter sweep(String name) {
    SimulationBurstSpec.SweepParameter p = new SimulationBurstSpec.SweepParameter();
    p.name = name;
    p.min = 0.0;
    p.max = 1.0;
    return p;
  }

  static SimulationBurstSpec.Application app(String name, Map<String, String> params) {
    SimulationBurstSpec.Application a = new SimulationBurstSpec.Application();
    a.type = SimulationBurstSpec.Application.Type.APPLICATION;
    a.name = name;
    a.params = params;
    return a;
  }

  @Test
  void anApplicationBurstIsCheckedByTheBridgesRulesBeforeItIsSent() {
    assertThat(ApplicationSpecs.problems(app("plume-custom", Map.of("mesh", "fine")), List.of(sweep("diffusivity")))).isEmpty();
    assertThat(ApplicationSpecs.problems(app(null, Map.of()), List.of())).singleElement().asString()
        .contains("spec.application.name is required for type application");
    assertThat(ApplicationSpecs.problems(app("p", Map.of("Mesh", "x", "output", "/etc/passwd", "v", "a\nb")), List.of()))
        .anySatisfy(p -> assertThat(p).contains("spec.application.params.Mesh: names are a lowercase letter"))
        .anySatisfy(p -> assertThat(p).contains("spec.application.params.output: output is filled by the bridge"))
        .anySatisfy(p -> assertThat(p).contains("spec.application.params.v: values are at most 1024 printable characters"));
    assertThat(ApplicationSpecs.problems(app("p", Map.of("d", "1")), List.of(sweep("d"), sweep("taskIndex"))))
        .anySatisfy(p -> assertThat(p).contains("spec.sweep[0] (d) is also set in spec.application.params"))
        .anySatisfy(p -> assertThat(p).contains("spec.sweep[1] (taskIndex): an application's parameter names"));
  }

  @Test
  void theRequestNamesTheApplicationAndCarriesNoCommand() {
    SimulationBurst b = new SimulationBurst();
    b.setMetadata(new ObjectMetaBuilder().withName("s").withNamespace("ns").withUid("u-1").build());
    b.setSpec(new SimulationBurstSpec());
    b.getSpec().tasks = 3;
    b.getSpec().application = app("plume-custom", Map.of("mesh", "fine"));
    b.getSpec().sweep = List.of(sweep("diffusivity"));
    SubmitBurstRequest r = BurstRequests.of(b, null, null);
    assertThat(r.getApplicationOptionsMap()).containsExactly(Map.entry("mesh", "fine"));
    assertThat(r.getTasksList()).hasSize(3).allSatisfy(t -> {
      assertThat(t.getApplication()).isEqualTo("plume-custom");
      assertThat(t.getCommand()).isEmpty();
      assertThat(t.getParams().getValuesMap()).containsOnlyKeys("diffusivity");
    });
  }

  @Test
  void executionPilotReachesTheRequestAndBatchIsTheDefault() {
    SimulationBurst b = new SimulationBurst();
    b.setMetadata(new ObjectMetaBuilder().withName("s").withNamespace("ns").withUid("u-1").build());
    b.setSpec(new SimulationBurstSpec());
    b.getSpec().tasks = 2;
    assertThat(BurstRequests.of(b, null, null).getExecution()).isEqualTo(io.fedmesh.proto.hpc.v1.Execution.EXECUTION_BATCH);
    b.getSpec().execution = SimulationBurstSpec.Execution.PILOT;
    assertThat(BurstRequests.of(b, null, null).getExecution()).isEqualTo(io.fedmesh.proto.hpc.v1.Execution.EXECUTION_PILOT);
  }
}
