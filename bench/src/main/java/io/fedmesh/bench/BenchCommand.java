package io.fedmesh.bench;

import picocli.CommandLine.Command;

/** `fedmesh bench`: benchmark programs; each prints a RESULT line with a ratio against a baseline measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks. Each prints 'RESULT <name> ...' with its figure as a ratio against a baseline measured in the same run.",
    subcommands = {AggregateBenchmark.class, TransferBenchmark.class, io.fedmesh.bench.robust.RobustBenchmark.class, io.fedmesh.hpc.bench.AsyncBenchCommand.class,
        io.fedmesh.hpc.bench.TasksBenchCommand.class})
public final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
