package io.fedmesh.operator;

import picocli.CommandLine;

/** Entry point of the operator image. */
public final class OperatorMain {
  private OperatorMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new OperatorCommand()).execute(args));
  }
}
