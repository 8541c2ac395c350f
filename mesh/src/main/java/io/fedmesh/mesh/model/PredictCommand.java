package io.fedmesh.mesh.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.models.export.ExportManifest;
import io.fedmesh.models.export.ExportedModel;
import io.fedmesh.models.export.ModelExport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** `fedmesh predict`: an exported model's predictions on a data set, and its accuracy (or MSE) when the data has labels. */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = {"Predict with an exported model (`fedmesh export`, or OUT/model of `fedmesh local`): one line per sample",
        "(class index and name, or the value for regression) and, when the data has labels, the accuracy or MSE last."})
public final class PredictCommand implements Callable<Integer> {
  private static final int BATCH = 256;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "The exported model directory (holds fedmesh-model.json).")
  Path model;

  @Option(names = "--data", required = true, description = "A CSV file or a directory of CSV files (numeric features; the label column is optional).")
  Path data;

  @Option(names = "--label-column", defaultValue = "label", description = "Name of the label column (default: ${DEFAULT-VALUE}).")
  String labelColumn;

  @Option(names = "--limit", description = "Predict at most this many samples (default: all).")
  Integer limit;

  @Option(names = "--format", defaultValue = "text", description = "text, or json: one JSON object per line (default: ${DEFAULT-VALUE}).")
  String format;

  @Override
  public Integer call() throws Exception {
    if (!format.equals("text") && !format.equals("json")) {
      throw new ParameterException(spec.commandLine(), "--format '" + format + "' is not known: use text or json");
    }
    if (limit != null && limit < 1) {
      throw new ParameterException(spec.commandLine(), "--limit must be at least 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (ExportedModel m = ModelExport.read(model)) {
      ExportManifest manifest = m.manifest();
      TaskKind task = manifest.description().task();
      PredictionData.Samples samples = PredictionData.read(data, labelColumn, task);
      Dataset d = samples.data();
      int width = manifest.description().inputWidth();
      if (d.features() != width) {
        throw new IllegalArgumentException("--data " + data + " has " + d.features() + " features per sample but the model takes "
            + width + " (input shape " + Arrays.toString(manifest.description().inputShape()) + ")");
      }
      int n = limit == null ? d.rows() : Math.min(limit, d.rows());
      double score = 0;
      for (int from = 0; from < n; from += BATCH) {
        int m2 = Math.min(BATCH, n - from);
        float[][] outputs = m.outputs(Arrays.copyOfRange(d.x(), from * width, (from + m2) * width), m2);
        for (int k = 0; k < m2; k++) {
          int row = from + k;
          score += print(out, manifest, row, outputs[k], samples.labelled() ? d.y()[row] : null);
        }
      }
      if (samples.labelled() && n > 0) {
        String metric = task.metricName();
        double value = score / n;
        if (format.equals("json")) {
          ObjectNode o = JSON.createObjectNode().put("samples", n).put(metric, value);
          out.println(JSON.writeValueAsString(o));
        } else {
          out.printf("%s %.4f on %d labelled samples (model %s)%n", metric, value, n, manifest.version());
        }
      }
      out.flush();
    }
    return 0;
  }

  /** Prints one sample's prediction; returns 1 for a correct class or the squared error, 0 without a label. */
  private double print(PrintWriter out, ExportManifest manifest, int row, float[] outputs, Float label) throws Exception {
    boolean classify = manifest.description().task() == TaskKind.CLASSIFICATION;
    int predicted = ExportedModel.argMax(outputs);
    double score = label == null ? 0 : classify ? (predicted == (int) (float) label ? 1 : 0) : Math.pow(outputs[0] - label, 2);
    if (format.equals("json")) {
      ObjectNode o = JSON.createObjectNode().put("sample", row);
      if (classify) {
        o.put("class", predicted).put("name", manifest.className(predicted))
            .put("probability", ExportedModel.softmax(outputs)[predicted]);
      } else {
        o.put("value", outputs[0]);
      }
      if (label != null) {
        if (classify) {
          o.put("label", (int) (float) label);
        } else {
          o.put("label", (float) label);
        }
      }
      out.println(JSON.writeValueAsString(o));
    } else if (classify) {
      out.printf("%d\tclass %d (%s)%s%n", row, predicted, manifest.className(predicted),
          label == null ? "" : "\tlabel " + (int) (float) label);
    } else {
      out.printf("%d\t%.6g%s%n", row, outputs[0], label == null ? "" : "\tlabel " + label);
    }
    return score;
  }
}
