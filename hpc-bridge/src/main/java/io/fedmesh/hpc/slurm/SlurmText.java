package io.fedmesh.hpc.slurm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads what Slurm's commands print (sbatch --parsable, squeue, sacct, scontrol): pure functions of
 * the text, no Slurm needed. Exit codes follow one rule everywhere: COMPLETED is 0, FAILED its code,
 * anything else that ended (CANCELLED, TIMEOUT, NODE_FAIL, OUT_OF_MEMORY) -1 unless it carries a code.
 */
final class SlurmText {
  private SlurmText() {}

  /** The queue as {@code squeue -h -r -o "%i %T"} shows it: every job id, and those running now. */
  record Queue(Set<String> jobIds, List<String> running) {}

  /** The job id {@code sbatch --parsable} printed ({@code id} or {@code id;cluster}). */
  static String submittedJobId(String sbatchOut) {
    return sbatchOut.trim().split(";")[0];
  }

  /** Lines of {@code squeue -h -r -o "%i %T"}; RUNNING and COMPLETING jobs count as running. */
  static Queue queue(String squeueOut) {
    Set<String> ids = new HashSet<>();
    List<String> running = new ArrayList<>();
    for (String line : squeueOut.lines().map(String::trim).filter(l -> !l.isEmpty()).toList()) {
      String[] f = line.split("\\s+");
      ids.add(f[0]);
      if (f.length > 1 && (f[1].equals("RUNNING") || f[1].equals("COMPLETING"))) {
        running.add(f[0]);
      }
    }
    return new Queue(ids, running);
  }

  /** The first job id of {@code squeue -h -o %i}, empty when nothing is queued. */
  static Optional<String> firstQueuedJobId(String squeueOut) {
    if (squeueOut.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(squeueOut.lines().findFirst().orElseThrow().trim());
  }

  /** The last job (not job step) called {@code name} in {@code sacct -n -P -o jobid,jobname} lines. */
  static Optional<String> lastJobNamed(String sacctOut, String name) {
    return sacctOut.lines().map(l -> l.split("\\|")).filter(f -> f.length >= 2 && f[1].trim().equals(name))
        .map(f -> f[0].trim()).filter(id -> !id.contains(".")).reduce((first, last) -> last);
  }

  /**
   * Ended jobs in {@code jobid|STATE|code:signal} lines (sacct -n -P -o jobid,state,exitcode) as job id
   * -> exit code; jobs still pending, running or completing, and job steps (123.batch), are left out.
   */
  static Map<String, Integer> exitCodes(String sacctOut) {
    Map<String, Integer> m = new HashMap<>();
    for (String line : sacctOut.lines().toList()) {
      String[] f = line.trim().split("\\|");
      if (f.length < 3 || f[0].contains(".")) {
        continue; // job steps (123.batch) repeat their job
      }
      String state = f[1].trim().split(" ")[0];
      if (state.equals("PENDING") || state.equals("RUNNING") || state.equals("COMPLETING")) {
        continue;
      }
      int code;
      try {
        code = Integer.parseInt(f[2].split(":")[0]);
      } catch (NumberFormatException e) {
        code = -1;
      }
      if (state.equals("COMPLETED")) {
        code = 0;
      } else if (code == 0) {
        code = -1;
      }
      m.put(f[0].trim(), code);
    }
    return m;
  }

  /**
   * Ended job-array elements from {@code scontrol -o show job <array>} (one line per element:
   * ArrayJobId, ArrayTaskId, JobState, ExitCode) as {@code <array>_<index>} -> exit code, with the
   * rules of {@link #exitCodes}. Elements still pending as a range ({@code ArrayTaskId=3-7}) are skipped.
   */
  static Map<String, Integer> arrayExitCodes(String scontrolOut) {
    Map<String, Integer> m = new HashMap<>();
    for (String line : scontrolOut.lines().toList()) {
      Map<String, String> f = new HashMap<>();
      for (String kv : line.trim().split("\\s+")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          f.putIfAbsent(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
      String array = f.get("ArrayJobId");
      String index = f.get("ArrayTaskId");
      String state = f.get("JobState");
      if (array == null || index == null || state == null || !index.matches("\\d+")) {
        continue;
      }
      m.putAll(exitCodes(array + "_" + index + "|" + state + "|" + f.getOrDefault("ExitCode", "0:0")));
    }
    return m;
  }

  /** Slurm's message cut to 300 characters, for logs and errors. */
  static String excerpt(String s) {
    String t = s.strip();
    return t.length() > 300 ? t.substring(0, 300) + "..." : t;
  }
}
