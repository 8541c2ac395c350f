package io.fedmesh.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.DistributedModelSpec.Architecture;
import io.fedmesh.common.model.ArchitectureType;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.models.TorchScriptFixture;
import io.fedmesh.models.TorchScripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A torchscript spec resolves to the user's module (written by python3-torch) with its tensors, or names the field and the fix. */
class TorchScriptModelsTest {
  @TempDir static Path models;
  static String digest;

  @BeforeAll
  static void writeModule() throws Exception {
    Path made = TorchScriptFixture.mlp(Files.createDirectories(models.resolve("tmp")), 8, 3);
    Files.move(made, models.resolve("sensor-net.pt"));
    digest = TorchScripts.sha256(models.resolve("sensor-net.pt"));
  }

  static DistributedModelSpec spec(String file, List<Integer> in, List<Integer> out) {
    DistributedModelSpec m = new DistributedModelSpec();
    m.architecture = new Architecture();
    m.architecture.type = Architecture.Type.TORCHSCRIPT;
    m.architecture.torchscript = new DistributedModelSpec.TorchScript();
    m.architecture.torchscript.file = file;
    m.inputShape = in;
    m.outputShape = out;
    return m;
  }

  static String problems(ModelResolver resolver, DistributedModelSpec m) {
    ModelResolver.Resolved r = resolver.resolve(m);
    assertThat(r.spec()).as("refused").isNull();
    return r.validation().message();
  }

  @Test
  void theModulesParametersAreTheLayoutAndItsDigestIsRecorded() {
    DistributedModelSpec m = spec("sensor-net.pt", List.of(8), List.of(3));
    m.architecture.torchscript.sha256 = digest;
    ModelDescription d = new ModelResolver(models).resolve(m).spec();
    assertThat(d.type()).isEqualTo(ArchitectureType.TORCHSCRIPT);
    assertThat(d.script().sha256()).isEqualTo(digest);
    assertThat(d.layout().tensors()).extracting(t -> t.name()).containsExactly("hidden.weight", "hidden.bias", "out.weight", "out.bias");
    assertThat(d.parameterCount()).isEqualTo(8 * 32 + 32 + 32 * 3 + 3);
    assertThat(d).hasToString("TorchScript sha256:" + digest.substring(0, 12) + " [8] -> 3");
    assertThat(TorchScripts.path(d.script())).contains(models.resolve("sensor-net.pt"));
    // the wire form carries the digest and size, and comes back equal
    assertThat(ModelDescription.fromProto(d.toProto())).isEqualTo(d);
  }

  @Test
  void shapesTheModuleDoesNotHaveAreNamedWithTheFix() {
    ModelResolver r = new ModelResolver(models);
    assertThat(problems(r, spec("sensor-net.pt", List.of(8), List.of(4)))).contains("returns (2, 3)").contains("set spec.outputShape");
    assertThat(problems(r, spec("sensor-net.pt", List.of(5), List.of(3)))).contains("does not take a batch of spec.inputShape [5]")
        .contains("set spec.inputShape");
  }

  @Test
  void aFileThatIsMissingChangedOrOutsideTheModelsDirectoryIsRefused() throws Exception {
    ModelResolver r = new ModelResolver(models);
    assertThat(problems(r, spec("nope.pt", List.of(8), List.of(3)))).contains("spec.architecture.torchscript.file 'nope.pt' is not a file");
    assertThat(problems(r, spec("../sensor-net.pt", List.of(8), List.of(3)))).contains("inside the models directory");
    assertThat(problems(r, spec("/etc/passwd", List.of(8), List.of(3)))).contains("inside the models directory");
    DistributedModelSpec pinned = spec("sensor-net.pt", List.of(8), List.of(3));
    pinned.architecture.torchscript.sha256 = "a".repeat(64);
    assertThat(problems(r, pinned)).contains("spec.architecture.torchscript.sha256 is " + "a".repeat(64)).contains("has sha256 " + digest);
    Files.write(models.resolve("junk.pt"), new byte[] {1, 2, 3});
    assertThat(problems(r, spec("junk.pt", List.of(8), List.of(3)))).contains("cannot load the TorchScript file");
    assertThat(problems(new ModelResolver(), spec("sensor-net.pt", List.of(8), List.of(3)))).contains("--models-dir");
  }

  @Test
  void fieldsOfAnotherArchitectureAreNamed() {
    DistributedModelSpec m = spec("sensor-net.pt", List.of(8), List.of(3));
    m.architecture.hiddenLayers = List.of(16);
    m.architecture.depth = 18;
    String p = problems(new ModelResolver(models), m);
    assertThat(p).contains("spec.architecture.hiddenLayers is for an mlp").contains("spec.architecture.depth is only for a resnet");
    DistributedModelSpec mlp = spec("sensor-net.pt", List.of(8), List.of(3));
    mlp.architecture.type = Architecture.Type.MLP;
    assertThat(problems(new ModelResolver(models), mlp)).contains("spec.architecture.torchscript is only for a torchscript");
  }
}
