package io.fedmesh.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** An ensemble of simulation tasks. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SimulationBurstSpec {
  /** How dependent tasks are scheduled. */
  public enum Mode {
    @JsonProperty("async") ASYNC,
    @JsonProperty("barrier") BARRIER
  }

  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("HpcCluster (same namespace) to run on. Unset: the namespace's default HpcCluster (annotated fedmesh.io/default-cluster: \"true\"), or its only one; a burst from a FederatedTraining's burstTemplate gets adaptiveSimulation.clusterRef.")
  public String clusterRef;

  @Required
  @JsonPropertyDescription("What each task runs.")
  public Application application = new Application();

  @Min(1)
  @Max(1024)
  @Default("2")
  @JsonPropertyDescription("MPI ranks per simulation task.")
  public Integer ranksPerTask = 2;

  @Min(0)
  @Max(16)
  @Default("0")
  @JsonPropertyDescription("GPUs per task; 0 runs the CPU kernel.")
  public Integer gpusPerTask = 0;

  @Min(10)
  @Max(604800)
  @Default("600")
  @JsonPropertyDescription("Wall-clock limit per task in seconds (Slurm --time).")
  public Integer walltimeSeconds = 600;

  @Required
  @Min(1)
  @Max(10000)
  @JsonPropertyDescription("Number of simulation tasks in the ensemble.")
  public Integer tasks;

  @Size(max = 8)
  @JsonPropertyDescription("Parameters swept across the tasks; each task gets an evenly spaced point (Latin-hypercube order).")
  public List<SweepParameter> sweep = new ArrayList<>();

  @Size(max = 64)
  @JsonPropertyDescription("Optional boxes inside the sweep to spread the tasks over instead of the whole sweep (a guided"
      + " acquisition's choice, see FederatedTraining spec.adaptiveSimulation.regionsPerBurst): task i goes to box i mod the"
      + " number of boxes, and the tasks of a box take a Latin-hypercube design over its bounds. A swept parameter a box does not"
      + " name keeps its whole [min, max].")
  public List<SweepRegion> regions;

  @Default("async")
  @JsonPropertyDescription("async: each task starts as soon as its inputs and resources are ready; barrier: stage after stage.")
  public Mode mode = Mode.ASYNC;

  /** How the tasks reach the HPC scheduler. */
  public enum Execution {
    @JsonProperty("batch") BATCH,
    @JsonProperty("pilot") PILOT
  }

  @Default("batch")
  @JsonPropertyDescription("batch: one Slurm job per task; pilot: one Slurm allocation for the whole burst, in which the bridge's"
      + " pilot agent starts each task in milliseconds (many short tasks). A local bridge runs both the same way.")
  public Execution execution = Execution.BATCH;

  @JsonPropertyDescription("Post-process, train and evaluate stages that follow the simulations (a DeepDriveMD-like loop).")
  public Pipeline pipeline;

  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the produced data set; defaults to the burst's name.")
  public String outputDataset;

  /** The simulation each task runs. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "self.type != 'command' || has(self.command)", message = "an application of type command needs command")
  @ValidationRule(value = "self.type != 'application' || has(self.name)", message = "an application of type application needs name")
  public static class Application {
    /** Kinds of application. */
    public enum Type {
      @JsonProperty("advection-diffusion") ADVECTION_DIFFUSION,
      /** Refused since the bridge runs only allowlisted applications; kept so old objects still read. */
      @JsonProperty("command") COMMAND,
      @JsonProperty("application") APPLICATION
    }

    @Default("advection-diffusion")
    @JsonPropertyDescription("advection-diffusion: the built-in 2-D MPI solver; application: a program the bridge's admin allowlists"
        + " (name, params); command: no longer run (refused, use application).")
    public Type type = Type.ADVECTION_DIFFUSION;

    @JsonPropertyDescription("No longer run: bridges pass nothing to a shell. Use type application with name and params.")
    public String command;

    @Pattern("^[a-z][a-z0-9-]{0,62}$")
    @JsonPropertyDescription("For type application: the application's name in the bridge's allowlist (its --applications file).")
    public String name;

    @Size(max = 32)
    @JsonPropertyDescription("For type application: values of the application's {param} placeholders, the same for every task"
        + " (swept parameters and taskIndex are added per task). Names [a-z][a-zA-Z0-9_]*, values without control characters.")
    public java.util.Map<String, String> params;

    @Min(8)
    @Max(8192)
    @Default("64")
    @JsonPropertyDescription("Grid points per side of the built-in solver.")
    public Integer grid = 64;

    @Min(1)
    @Max(1000000)
    @Default("200")
    @JsonPropertyDescription("Time steps of the built-in solver.")
    public Integer steps = 200;

    @Min(1)
    @Max(10000)
    @Default("64")
    @JsonPropertyDescription("Samples each task writes.")
    public Integer samplesPerTask = 64;
  }

  /** One swept parameter. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "self.min <= self.max", message = "min must not exceed max")
  public static class SweepParameter {
    @Required
    @Pattern("^[A-Za-z_][A-Za-z0-9_]*$")
    @JsonPropertyDescription("Parameter name, e.g. diffusivity, windX, windY, sourceX, sourceY.")
    public String name;

    @Required
    @JsonPropertyDescription("Lowest value.")
    public Double min;

    @Required
    @JsonPropertyDescription("Highest value.")
    public Double max;
  }

  /** One box of the sweep: per swept parameter, the bounds its tasks take. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SweepRegion {
    @Required
    @Size(min = 1, max = 8)
    @JsonPropertyDescription("The box's bounds, by swept parameter name, each within the sweep's own [min, max].")
    public List<SweepParameter> bounds = new ArrayList<>();
  }

  /** Stages after the simulations. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Pipeline {
    @Default("true")
    @JsonPropertyDescription("Post-process each simulation's output (one task per simulation).")
    public Boolean postprocess = true;

    @Min(0)
    @Max(64)
    @Default("1")
    @JsonPropertyDescription("Surrogate training tasks over the aggregated output.")
    public Integer trainTasks = 1;

    @Min(0)
    @Max(64)
    @Default("1")
    @JsonPropertyDescription("Evaluation/inference tasks after training.")
    public Integer evaluateTasks = 1;
  }
}
