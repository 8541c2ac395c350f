package io.fedmesh.operator.rounds;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fedmesh.api.v1alpha1.SimulationBurst;
import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import io.fedmesh.api.v1alpha1.SimulationBurstStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a training's simulation learner gets: the samples of its finished bursts, joined once. */
@EnableKubernetesMockClient(crud = true)
class SimulationSourcesMockTest {
  KubernetesClient client;
  @TempDir Path tmp;

  @BeforeEach
  void setUp() throws Exception {
    io.fedmesh.operator.CrdFixturesAccess.install(client);
  }

  void burst(String name, SimulationBurstStatus.Phase phase, String csv) throws Exception {
    SimulationBurst b = new SimulationBurst();
    b.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    b.setSpec(new SimulationBurstSpec());
    SimulationBurstStatus st = new SimulationBurstStatus();
    st.phase = phase;
    if (csv != null) {
      Path file = tmp.resolve(name + ".csv");
      Files.writeString(file, csv);
      st.datasetPath = file.toString();
      st.producedSamples = csv.lines().count() - 1;
    }
    client.resource(b).create();
    // status is a subresource: written after the object, as the burst reconciler does
    new io.fedmesh.operator.status.StatusRecorder<>(client, SimulationBurst.class, SimulationBurstStatus.class, k -> java.util.Optional.empty())
        .merge("default", name, st);
  }

  @Test
  void finishedBurstsAreJoinedHeaderOnceAndTheRestWait() throws Exception {
    burst("a", SimulationBurstStatus.Phase.Succeeded, "x,y,label\n1,2,0.5\n3,4,0.25\n");
    burst("b", SimulationBurstStatus.Phase.Failed, "x,y,label\n5,6,0.1\n"); // partial data of a failed burst counts
    burst("c", SimulationBurstStatus.Phase.Running, null);
    burst("d", SimulationBurstStatus.Phase.Succeeded, "p,q,label\n1,1,1\n"); // other columns: left out
    SimulationSources sources = new SimulationSources(
        k -> java.util.Optional.ofNullable(client.resources(SimulationBurst.class).inNamespace("default").withName(k.substring(k.indexOf('/') + 1)).get()),
        "default");
    var data = sources.collect(List.of("a", "b", "c", "d", "missing", "a")).orElseThrow();
    assertThat(new String(data.csv())).isEqualTo("x,y,label\n1,2,0.5\n3,4,0.25\n5,6,0.1\n");
    assertThat(data.samples()).isEqualTo(3);
    assertThat(data.bursts()).containsExactly("a", "b");
    assertThat(data.version()).startsWith("sim-").isEqualTo(sources.collect(List.of("a", "b")).orElseThrow().version());
    assertThat(sources.collect(List.of("c", "missing"))).isEmpty();
  }
}
