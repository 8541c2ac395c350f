package io.fedmesh.hpc.sim;

/** A simulation parameter out of its valid range; the message names the parameter, its range and the fix. */
public final class SimulationParameterException extends IllegalArgumentException {
  private final String parameter;

  public SimulationParameterException(String parameter, String message) {
    super(message);
    this.parameter = parameter;
  }

  /** The offending parameter's name, as the user spelled it. */
  public String parameter() {
    return parameter;
  }
}
