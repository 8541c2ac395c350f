package io.fedmesh.edge;

import picocli.CommandLine;

/** Entry point of the edge agent image and of agent processes in the local mesh. */
public final class AgentMain {
  private AgentMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new AgentCommand()).execute(args));
  }
}
