package io.fedmesh.mesh.data;

import io.fedmesh.common.data.CsvDatasetWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The burst task of `./fedmesh local --hpc` for the blobs problem: writes samples of the local
 * mesh's problem (same class centres, fresh draws, balanced classes) to a CSV, as a command-type
 * SimulationBurst. (With --problem plume the burst runs the built-in reference simulation instead.)
 */
@Command(name = "sample-task", mixinStandardHelpOptions = true, description = "Write synthetic samples of the local mesh's problem.")
public final class SampleTask implements Callable<Integer> {
  @Option(names = "--seed", required = true, description = "The mesh's data seed (fixes the class centres).")
  long seed;

  @Option(names = "--task", required = true, description = "Task index (picks the sample stream).")
  int task;

  @Option(names = "--rows", defaultValue = "150", description = "Samples to write (default: ${DEFAULT-VALUE}).")
  int rows;

  @Option(names = "--out", required = true, description = "CSV file to write.")
  Path out;

  @Override
  public Integer call() throws Exception {
    SyntheticData gen = new SyntheticData(SyntheticData.FEATURES, SyntheticData.CLASSES, seed, seed * 7919 + 1000 + task);
    CsvDatasetWriter.write(out, gen.balanced(rows, out.getFileName().toString()), "label");
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new SampleTask()).execute(args));
  }
}
