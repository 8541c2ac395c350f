package io.fedmesh.models.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.ArchitectureType;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.models.InitialModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelExportTest {
  @TempDir Path dir;

  static ModelDescription smallCnn() {
    return new ModelDescription(ArchitectureType.CNN, new int[] {1, 8, 8}, 3, TaskKind.CLASSIFICATION, new int[] {12},
        Activation.RELU, List.of(new io.fedmesh.common.model.ConvolutionBlock(4, 3, 2)), 0, 0, null);
  }

  static float[] samples(int n, int width, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * width];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  @Test
  void anExportReadBackPredictsWhatTheTrainedWeightsPredict() {
    InitialModel initial = InitialModel.of(smallCnn(), 11);
    float[] weights = initial.weights();
    ExportManifest written = ModelExport.write(dir, initial.description(), weights,
        ExportManifest.of(initial.description(), "demo-r3", "accuracy", 0.75, weights, List.of("cat", "dog", "owl")));
    assertThat(dir.resolve("fedmesh-model-0000.params")).isRegularFile();
    assertThat(written.files()).containsKey("fedmesh-model-0000.params");

    float[] x = samples(5, 64, 3);
    float[][] expected;
    try (io.fedmesh.models.BuiltNetwork direct = io.fedmesh.models.BuiltNetwork.build(initial.description(), 0, ai.djl.Device.cpu());
        ExportedModel fromDisk = ModelExport.read(dir)) {
      direct.load(weights);
      expected = new ExportedModel(written, direct).outputs(x, 5);
      assertThat(fromDisk.outputs(x, 5)).isDeepEqualTo(expected);
      ExportManifest m = fromDisk.manifest();
      assertThat(m.version()).isEqualTo("demo-r3");
      assertThat(m.metric()).isEqualTo(0.75);
      assertThat(m.classes()).isEqualTo(3);
      assertThat(m.className(1)).isEqualTo("dog");
      assertThat(m.description()).isEqualTo(initial.description());
      assertThat(fromDisk.network().weights()).isEqualTo(weights);
    }
  }

  @Test
  void aTamperedOrTruncatedWeightsFileIsRefusedNamingIt() throws Exception {
    InitialModel initial = InitialModel.of(smallCnn(), 5);
    ModelExport.write(dir, initial.description(), initial.weights(),
        ExportManifest.of(initial.description(), "v1", "accuracy", null, initial.weights(), List.of()));
    Path params = dir.resolve("fedmesh-model-0000.params");
    byte[] bytes = Files.readAllBytes(params);
    bytes[bytes.length - 3] ^= 0x5a;
    Files.write(params, bytes);
    assertThatThrownBy(() -> ModelExport.read(dir)).isInstanceOf(ExportException.class)
        .hasMessageContaining("fedmesh-model-0000.params").hasMessageContaining("changed or truncated");
    Files.write(params, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> ModelExport.read(dir)).hasMessageContaining("fedmesh-model-0000.params");
  }

  @Test
  void aManifestThatLiesAboutTheWeightsIsRefused() throws Exception {
    InitialModel initial = InitialModel.of(smallCnn(), 5);
    ModelExport.write(dir, initial.description(), initial.weights(),
        ExportManifest.of(initial.description(), "v1", "accuracy", null, initial.weights(), List.of()));
    Path manifest = dir.resolve(ExportManifest.FILE);
    String json = Files.readString(manifest);
    Files.writeString(manifest, json.replaceAll("\"weightsDigest\" : \"sha256:[0-9a-f]+\"", "\"weightsDigest\" : \"sha256:00\""));
    assertThatThrownBy(() -> ModelExport.read(dir)).hasMessageContaining("not the version it claims");
    Files.writeString(manifest, json.replace("\"format\" : \"fedmesh-model/v1\"", "\"format\" : \"other\""));
    assertThatThrownBy(() -> ModelExport.read(dir)).hasMessageContaining("'format'");
    Files.delete(manifest);
    assertThatThrownBy(() -> ModelExport.read(dir)).hasMessageContaining("fedmesh-model.json");
  }

  @Test
  void weightsThatAreNotTheManifestsAreNotWritten() {
    InitialModel initial = InitialModel.of(smallCnn(), 5);
    float[] other = initial.weights().clone();
    other[0] += 1;
    assertThatThrownBy(() -> ModelExport.write(dir, initial.description(), other,
        ExportManifest.of(initial.description(), "v1", "accuracy", null, initial.weights(), List.of())))
        .hasMessageContaining("weightsDigest");
  }

  @Test
  void anUnloadedModelRefusesToPredictInsteadOfTouchingFreedMemory() {
    InitialModel initial = InitialModel.of(smallCnn(), 5);
    ModelExport.write(dir, initial.description(), initial.weights(),
        ExportManifest.of(initial.description(), "v1", "accuracy", null, initial.weights(), List.of()));
    ExportedModel m = ModelExport.read(dir);
    assertThat(m.outputs(samples(1, 64, 1), 1)[0]).hasSize(3);
    m.close();
    m.close(); // twice is harmless
    assertThatThrownBy(() -> m.outputs(samples(1, 64, 1), 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("unloaded");
    assertThatThrownBy(() -> m.outputs(new float[10], 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64");
  }
}
