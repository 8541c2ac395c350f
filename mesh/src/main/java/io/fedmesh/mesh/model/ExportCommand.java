package io.fedmesh.mesh.model;

import io.fedmesh.models.export.ExportManifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** `fedmesh export`: a checkpointed version of a training as a DJL model directory with its manifest. */
@Command(name = "export",
    description = {"Export a checkpointed model version as a DJL model directory (fedmesh-model-0000.params) with",
        "fedmesh-model.json (architecture, input shape, classes, metric, version, digests); see docs/resources.md."})
public final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  // no standard mixin: its -V/--version would take the --version this command needs
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--checkpoints", required = true, description = "The operator's checkpoint directory (OUT/checkpoints of `fedmesh local`).")
  Path checkpoints;

  @Option(names = "--training", required = true, description = "The FederatedTraining as NAMESPACE/NAME, e.g. fedmesh-local/ft-local.")
  String training;

  @Option(names = "--version", description = "The version to export, e.g. ft-local-r12 (default: the newest).")
  String version;

  @Option(names = "--out", required = true, description = "Directory to write the model into (created).")
  Path out;

  @Option(names = "--class-names", split = ",", description = "Names of the classes in index order, e.g. cat,dog (default: the indices).")
  List<String> classNames = new ArrayList<>();

  @Override
  public Integer call() {
    String[] parts = training.split("/", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--training '" + training + "' must be NAMESPACE/NAME, e.g. fedmesh-local/ft-local");
    }
    ExportManifest m = CheckpointExport.export(checkpoints, parts[0], parts[1], version, out, classNames);
    spec.commandLine().getOut().printf("exported %s of %s (%s, %s %s) to %s%n", m.version(), training, m.description(),
        m.metricName(), m.metric() == null ? "not measured" : String.format("%.4f", m.metric()), out);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
