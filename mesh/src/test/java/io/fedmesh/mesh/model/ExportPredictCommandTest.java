package io.fedmesh.mesh.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.common.codec.Digests;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.mesh.FedmeshCli;
import io.fedmesh.models.InitialModel;
import io.fedmesh.models.export.ExportedModel;
import io.fedmesh.models.export.ModelExport;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `fedmesh export` from a checkpoint directory, then `fedmesh predict` on labelled and unlabelled CSV. */
class ExportPredictCommandTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run fedmesh(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = FedmeshCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private ModelDescription checkpoint(Path root) {
    ModelDescription mlp = ModelDescription.of(new MlpSpec(new int[] {4, 8, 3}, Activation.RELU, TaskKind.CLASSIFICATION));
    CheckpointStore store = new CheckpointStore(root);
    store.saveModel("ns", "ft", mlp);
    for (int round = 1; round <= 2; round++) {
      float[] w = InitialModel.of(mlp, round).weights();
      store.save("ns", "ft", new CheckpointStore.Meta("ft-r" + round, round, w.length, Digests.sha256(w), "accuracy", 0.5 + round / 10.0), w);
    }
    return mlp;
  }

  @Test
  void exportsTheNewestVersionAndPredictsWithIt() throws Exception {
    Path checkpoints = dir.resolve("checkpoints");
    ModelDescription mlp = checkpoint(checkpoints);
    Path model = dir.resolve("model");
    Run export = fedmesh("export", "--checkpoints", checkpoints.toString(), "--training", "ns/ft", "--out", model.toString(),
        "--class-names", "red,green,blue");
    assertThat(export.code()).as(export.err()).isZero();
    assertThat(export.out()).contains("exported ft-r2 of ns/ft").contains("accuracy 0.7000");

    // labels: the model's own prediction for even rows, a wrong class for odd rows, so accuracy is exactly 0.5
    int n = 40;
    Random r = new Random(9);
    float[] x = new float[n * 4];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    float[][] outputs;
    try (ExportedModel m = ModelExport.read(model)) {
      assertThat(m.network().weights()).isEqualTo(InitialModel.of(mlp, 2).weights());
      outputs = m.outputs(x, n);
    }
    StringBuilder labelled = new StringBuilder("a,b,c,d,label\n");
    StringBuilder unlabelled = new StringBuilder("a,b,c,d\n");
    for (int i = 0; i < n; i++) {
      String features = x[i * 4] + "," + x[i * 4 + 1] + "," + x[i * 4 + 2] + "," + x[i * 4 + 3];
      int predicted = ExportedModel.argMax(outputs[i]);
      labelled.append(features).append(',').append(i % 2 == 0 ? predicted : (predicted + 1) % 3).append('\n');
      unlabelled.append(features).append('\n');
    }
    Files.writeString(dir.resolve("test.csv"), labelled);
    Files.writeString(dir.resolve("plain.csv"), unlabelled);

    Run text = fedmesh("predict", "--model", model.toString(), "--data", dir.resolve("test.csv").toString());
    assertThat(text.code()).as(text.err()).isZero();
    String[] lines = text.out().strip().split("\n");
    assertThat(lines).hasSize(n + 1);
    assertThat(lines[0]).startsWith("0\tclass " + ExportedModel.argMax(outputs[0]) + " (");
    assertThat(lines[n]).isEqualTo("accuracy 0.5000 on 40 labelled samples (model ft-r2)");

    Run json = fedmesh("predict", "--model", model.toString(), "--data", dir.resolve("plain.csv").toString(), "--format", "json",
        "--limit", "3");
    assertThat(json.code()).as(json.err()).isZero();
    String[] rows = json.out().strip().split("\n");
    assertThat(rows).hasSize(3); // no labels: no accuracy line
    String name = new String[] {"red", "green", "blue"}[ExportedModel.argMax(outputs[1])];
    assertThat(rows[1]).contains("\"sample\":1").contains("\"name\":\"" + name + "\"");
  }

  @Test
  void namesWhatIsMissing() throws Exception {
    Path checkpoints = dir.resolve("checkpoints");
    checkpoint(checkpoints);
    String out = dir.resolve("m").toString();
    Run noDir = fedmesh("export", "--checkpoints", dir.resolve("none").toString(), "--training", "ns/ft", "--out", out);
    assertThat(noDir.err()).as(noDir.toString())
        .contains("--checkpoints").contains("is not a directory");
    assertThat(fedmesh("export", "--checkpoints", checkpoints.toString(), "--training", "ns/other", "--out", out).err())
        .contains("has no checkpoints").contains("it holds ns/ft");
    assertThat(fedmesh("export", "--checkpoints", checkpoints.toString(), "--training", "ns/ft", "--version", "ft-r9", "--out", out)
        .err()).contains("--version ft-r9 is not checkpointed").contains("ft-r1, ft-r2");
    assertThat(fedmesh("export", "--checkpoints", checkpoints.toString(), "--training", "ft", "--out", out).err())
        .contains("must be NAMESPACE/NAME");
    Run predict = fedmesh("predict", "--model", dir.toString(), "--data", out);
    assertThat(predict.code()).isEqualTo(2);
    assertThat(predict.err()).contains("fedmesh-model.json");
    assertThat(new picocli.CommandLine(new ExportCommand()).getUsageMessage()).contains("--checkpoints").contains("--version");
    Run help = fedmesh("export", "--help");
    assertThat(help.code()).as(help.toString()).isZero();
  }
}
