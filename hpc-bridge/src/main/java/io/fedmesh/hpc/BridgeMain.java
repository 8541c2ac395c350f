package io.fedmesh.hpc;

import picocli.CommandLine;

/** Entry point of the hpc-bridge image. */
public final class BridgeMain {
  private BridgeMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new BridgeCommand()).execute(args));
  }
}
