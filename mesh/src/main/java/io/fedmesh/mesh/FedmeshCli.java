package io.fedmesh.mesh;

import io.fedmesh.bench.BenchCommand;
import io.fedmesh.edge.AgentCommand;
import io.fedmesh.operator.OperatorCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `fedmesh` command. */
@Command(name = "fedmesh", mixinStandardHelpOptions = true, version = "fedmesh 0.1.0",
    description = "Federated edge-to-cloud orchestration mesh on Kubernetes.",
    subcommands = {LocalMeshCommand.class, OperatorCommand.class, AgentCommand.class, io.fedmesh.hpc.BridgeCommand.class, CertsCommand.class,
        io.fedmesh.mesh.model.ExportCommand.class, io.fedmesh.mesh.model.PredictCommand.class,
        BenchCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "  test      Run the whole test suite (the launcher runs scripts/test.sh)."})
public final class FedmeshCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The CLI with user errors (bad data, bad options) printed as one clear line instead of a stack trace. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new FedmeshCli());
    // the bench command lives in its own module; this one needs the embedded cluster, so it joins here
    cli.getSubcommands().get("bench").addSubcommand(new io.fedmesh.mesh.bench.OperatorScaleBenchmark());
    cli.getSubcommands().get("bench").addSubcommand(new io.fedmesh.mesh.bench.AttackBenchmark());
    cli.getSubcommands().get("bench").addSubcommand(new io.fedmesh.mesh.bench.AccuracyBenchmark());
    cli.getSubcommands().get("bench").addSubcommand(new io.fedmesh.mesh.bench.WanBenchmark());
    cli.getSubcommands().get("bench").addSubcommand(new io.fedmesh.mesh.bench.AdaptiveBenchmark());
    // a usage error is one line and where to look, not the whole usage
    cli.setParameterExceptionHandler((ex, args) -> {
      CommandLine cmd = ex.getCommandLine();
      String name = cmd.getCommandSpec().qualifiedName(); // e.g. "fedmesh bench attacks"
      cmd.getErr().println(name + ": " + ex.getMessage());
      cmd.getErr().println("Try '" + name + " --help' for its options.");
      return 2;
    });
    cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
          || ex instanceof io.fedmesh.common.data.DatasetException) {
        cmd.getErr().println("fedmesh " + cmd.getCommandName() + ": " + ex.getMessage());
        return 2;
      }
      throw ex;
    });
    return cli;
  }
}
