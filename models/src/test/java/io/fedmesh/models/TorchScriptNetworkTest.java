package io.fedmesh.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.ModelDescription.ScriptRef;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.common.model.TensorLayout;
import io.fedmesh.models.export.ExportManifest;
import io.fedmesh.models.export.ExportedModel;
import io.fedmesh.models.export.ModelExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's TorchScript module (written by Debian's python3-torch) loaded, trained-shaped and exported through DJL. */
class TorchScriptNetworkTest {
  @TempDir Path tmp;

  @Test
  void theModulesOwnParametersAreTheLayoutAndCarryItsWeights() throws Exception {
    ScriptRef ref = TorchScripts.register(TorchScriptFixture.cnn(tmp, 28, 10));
    ModelDescription d = ModelDescription.torchScript(new int[] {1, 28, 28}, 10, TaskKind.CLASSIFICATION, ref);
    try (BuiltNetwork n = BuiltNetwork.build(d, 0, Device.cpu())) {
      assertThat(n.layout().tensors()).containsExactly(new TensorLayout.Tensor("conv1.weight", new long[] {8, 1, 3, 3}),
          new TensorLayout.Tensor("conv1.bias", new long[] {8}), new TensorLayout.Tensor("conv2.weight", new long[] {16, 8, 3, 3}),
          new TensorLayout.Tensor("conv2.bias", new long[] {16}), new TensorLayout.Tensor("fc.weight", new long[] {10, 784}),
          new TensorLayout.Tensor("fc.bias", new long[] {10}));
      float[] w = n.weights();
      assertThat(w).hasSize(8 * 9 + 8 + 16 * 8 * 9 + 16 + 7840 + 10);
      assertThat(n.parameters()).allMatch(p -> p.requiresGradient());
      float[] changed = w.clone();
      changed[0] += 1f;
      n.load(changed);
      assertThat(n.weights()[0]).isEqualTo(w[0] + 1f);
      // the same file gives the same initial weights: the file's own, whatever the seed
      try (BuiltNetwork again = BuiltNetwork.build(d, 99, Device.cpu())) {
        assertThat(again.weights()).containsExactly(w);
      }
    }
  }

  @Test
  void anExportCarriesTheScriptAndPredictsAsTheTrainedNetworkDoes() throws Exception {
    ScriptRef ref = TorchScripts.register(TorchScriptFixture.mlp(tmp, 8, 3));
    ModelDescription d = ModelDescription.torchScript(new int[] {8}, 3, TaskKind.CLASSIFICATION, ref);
    float[] weights;
    ModelDescription resolved;
    try (BuiltNetwork n = BuiltNetwork.build(d, 0, Device.cpu())) {
      weights = n.weights();
      Random r = new Random(3);
      for (int i = 0; i < weights.length; i++) {
        weights[i] += (float) r.nextGaussian() * 0.1f; // a "trained" version, not the file's
      }
      resolved = n.resolved();
    }
    Path dir = tmp.resolve("export");
    ModelExport.write(dir, resolved, weights, ExportManifest.of(resolved, "v7", "accuracy", 0.5, weights, List.of()));
    assertThat(dir.resolve("fedmesh-model.pt")).exists();
    float[] x = new float[] {1, 2, 3, 4, 5, 6, 7, 8, -1, 0, 1, 0, -1, 0, 1, 0};
    float[][] exported;
    try (ExportedModel m = ModelExport.read(dir)) {
      assertThat(m.network().weights()).containsExactly(weights);
      exported = m.outputs(x, 2);
    }
    try (BuiltNetwork n = BuiltNetwork.build(resolved, 0, Device.cpu());
        ExportedModel inMemory = ExportedModel.inMemory(ExportManifest.of(resolved, "v7", "accuracy", 0.5, weights, List.of()), n)) {
      n.load(weights);
      assertThat(inMemory.outputs(x, 2)).isDeepEqualTo(exported);
    }
  }

  @Test
  void aFileThatIsNotTorchScriptOrNotRegisteredIsRefusedByName() throws Exception {
    Path junk = Files.write(tmp.resolve("junk.pt"), new byte[] {1, 2, 3, 4});
    ScriptRef ref = TorchScripts.register(junk);
    ModelDescription d = ModelDescription.torchScript(new int[] {8}, 3, TaskKind.CLASSIFICATION, ref);
    assertThatThrownBy(() -> BuiltNetwork.build(d, 0, Device.cpu())).hasMessageContaining("cannot load the TorchScript file")
        .hasMessageContaining("torch.jit.save");
    ScriptRef unknown = new ScriptRef("0".repeat(64), 10);
    assertThatThrownBy(() -> BuiltNetwork.build(ModelDescription.torchScript(new int[] {8}, 3, TaskKind.CLASSIFICATION, unknown), 0,
        Device.cpu())).hasMessageContaining("is not available in this process");
  }
}
