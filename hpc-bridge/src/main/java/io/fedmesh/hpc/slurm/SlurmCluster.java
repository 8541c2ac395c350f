package io.fedmesh.hpc.slurm;

import io.fedmesh.proto.hpc.v1.ClusterInfo;
import io.fedmesh.proto.hpc.v1.Partition;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the bridge's DescribeCluster answers on Slurm: partitions with their CPUs (sinfo's
 * allocated/idle/other/total), nodes, idle nodes and GPUs (gres; GPUs on idle nodes count as
 * free), the queue depth (pending jobs) and running jobs (squeue), and Slurm's version. Three
 * bounded calls; a failing one is reported in the version line rather than thrown.
 */
public final class SlurmCluster {
  private final CommandRunner runner;
  private final io.fedmesh.common.resilience.CallGuard guard = io.fedmesh.common.resilience.CallGuard.forDestination("slurm-info");

  public SlurmCluster(Duration timeout) {
    this.runner = new CommandRunner(timeout);
  }

  public ClusterInfo describe() {
    ClusterInfo.Builder info = ClusterInfo.newBuilder().setScheduler("slurm");
    CommandRunner.Result sinfo = guard.once(() -> runner.run(List.of("sinfo", "-h", "-o", "%P|%C|%D|%T|%G")));
    if (!sinfo.ok()) {
      return info.setVersion("sinfo failed: " + SlurmText.excerpt(sinfo.stderr())).build();
    }
    parsePartitions(sinfo.stdout()).values().forEach(p -> info.addPartitions(p.build()));
    CommandRunner.Result queue = guard.once(() -> runner.run(List.of("squeue", "-h", "-r", "-o", "%T")));
    if (queue.ok()) {
      info.setQueueDepth((int) queue.stdout().lines().filter(l -> l.trim().equals("PENDING")).count());
      info.setRunningJobs((int) queue.stdout().lines().filter(l -> l.trim().equals("RUNNING")).count());
    }
    CommandRunner.Result version = guard.once(() -> runner.run(List.of("sinfo", "--version")));
    return info.setVersion(version.ok() ? version.stdout().trim() : "slurm (version unknown)").build();
  }

  /**
   * Lines of {@code sinfo -h -o "%P|%C|%D|%T|%G"} (one per partition and node state) summed per
   * partition; the default partition's trailing '*' is dropped.
   */
  static Map<String, Partition.Builder> parsePartitions(String out) {
    Map<String, Partition.Builder> byName = new LinkedHashMap<>();
    for (String line : out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList()) {
      String[] f = line.split("\\|", -1);
      if (f.length < 5) {
        continue;
      }
      String name = f[0].endsWith("*") ? f[0].substring(0, f[0].length() - 1) : f[0];
      String[] cpus = f[1].split("/"); // allocated/idle/other/total
      int nodes = parseInt(f[2]);
      String state = f[3].replaceAll("[*~#!%$@^-]+$", "");
      int gpusPerNode = gpus(f[4]);
      Partition.Builder p = byName.computeIfAbsent(name, n -> Partition.newBuilder().setName(n).setState("up"));
      if (cpus.length == 4) {
        p.setFreeCpus(p.getFreeCpus() + parseInt(cpus[1])).setTotalCpus(p.getTotalCpus() + parseInt(cpus[3]));
      }
      p.setNodes(p.getNodes() + nodes).setTotalGpus(p.getTotalGpus() + gpusPerNode * nodes);
      if (state.equals("idle")) {
        p.setIdleNodes(p.getIdleNodes() + nodes).setFreeGpus(p.getFreeGpus() + gpusPerNode * nodes);
      }
      if (state.equals("down") || state.equals("drained") || state.equals("drain")) {
        p.setState(p.getNodes() == nodes ? state : "partly " + state);
      }
    }
    return byName;
  }

  /** GPUs in a gres string such as "gpu:4", "gpu:a100:2(S:0-1)", "(null)". */
  static int gpus(String gres) {
    int total = 0;
    for (String g : gres.split(",")) {
      String[] parts = g.replaceAll("\\(.*\\)", "").split(":");
      if (parts.length >= 2 && parts[0].equals("gpu")) {
        total += parseInt(parts[parts.length - 1]);
      }
    }
    return total;
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
