package io.fedmesh.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** How to reach an HPC system and what to ask of it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HpcClusterSpec {
  /** Scheduler behind the bridge. */
  public enum Scheduler {
    @JsonProperty("slurm") SLURM,
    @JsonProperty("local") LOCAL
  }

  @Required
  @JsonPropertyDescription("Where the hpc-bridge listens.")
  public Bridge bridge;

  @Required
  @Default("slurm")
  @JsonPropertyDescription("slurm, or local (a process-slot executor on the bridge host).")
  public Scheduler scheduler = Scheduler.SLURM;

  @Pattern("^[A-Za-z0-9_.-]+$")
  @JsonPropertyDescription("Slurm partition (sbatch -p); empty uses the default partition.")
  public String partition;

  @Pattern("^[A-Za-z0-9_.-]+$")
  @JsonPropertyDescription("Slurm account (sbatch -A).")
  public String account;

  @Min(1)
  @Max(100000)
  @Default("64")
  @JsonPropertyDescription("Most tasks fedmesh keeps in the queue at once.")
  public Integer maxConcurrentTasks = 64;

  /** The bridge endpoint. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Bridge {
    @Required
    @Pattern("^[A-Za-z0-9.-]+:[0-9]{1,5}$")
    @JsonPropertyDescription("host:port of the hpc-bridge gRPC endpoint.")
    public String endpoint;

    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @JsonPropertyDescription("Secret with tls.crt, tls.key and ca.crt for mutual TLS; empty uses plaintext (tests and the local mesh only).")
    public String tlsSecretRef;

    @Min(1)
    @Max(600)
    @Default(TrainingDefaults.BRIDGE_TIMEOUT_SECONDS_TEXT)
    @JsonPropertyDescription("Deadline of each call to the bridge in seconds.")
    public Integer timeoutSeconds = TrainingDefaults.BRIDGE_TIMEOUT_SECONDS;
  }
}
