package io.fedmesh.hpc.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task graph on a fixed number of cores, either asynchronously (a task starts as soon as its
 * dependencies succeeded and cores are free) or stage after stage (barrier), after Pascuzzi,
 * Turilli and Jha's study of asynchronous execution of heterogeneous tasks in AI-coupled HPC
 * workflows. A failed task cancels the tasks that depend on it; the others carry on.
 */
public final class AsyncScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(AsyncScheduler.class);

  /** Hears about every task as it starts and ends (the bridge streams these as task events). */
  public interface Listener {
    void started(TaskNode task, double atSeconds);

    void finished(TaskRecord record);
  }

  private final TaskLauncher launcher;
  private final int cores;
  private final Listener listener;

  public AsyncScheduler(TaskLauncher launcher, int cores) {
    this(launcher, cores, new Listener() {
      @Override
      public void started(TaskNode task, double atSeconds) {}

      @Override
      public void finished(TaskRecord record) {}
    });
  }

  public AsyncScheduler(TaskLauncher launcher, int cores, Listener listener) {
    this.listener = listener;
    if (cores < 1) {
      throw new IllegalArgumentException("cores must be at least 1");
    }
    this.launcher = launcher;
    this.cores = cores;
  }

  private record Done(TaskNode task, int exitCode, String message, double end) {}

  /** Put on the queue by {@link #cancel} to wake the loop. */
  private static final Done WAKE = new Done(null, 0, "", 0);

  private volatile boolean cancelled;
  private volatile LinkedBlockingQueue<Done> current;

  /**
   * Cancels the run in progress (and any later run of this scheduler): no further task starts, the
   * launcher stops what runs, and every task that did not succeed is recorded CANCELLED. Idempotent.
   */
  public void cancel() {
    cancelled = true;
    launcher.cancelAll();
    LinkedBlockingQueue<Done> q = current;
    if (q != null) {
      q.add(WAKE);
    }
  }

  public boolean cancelled() {
    return cancelled;
  }

  public ScheduleResult run(TaskGraph graph, ExecutionMode mode) throws InterruptedException {
    for (TaskNode t : graph.tasks()) {
      if (t.cores() > cores) {
        throw new IllegalArgumentException("task " + t.name() + " needs " + t.cores() + " cores but only " + cores + " are available");
      }
    }
    long t0 = System.nanoTime();
    Set<String> pending = new LinkedHashSet<>();
    graph.topologicalOrder().forEach(t -> pending.add(t.name()));
    Map<String, TaskRecord> records = new HashMap<>();
    Map<String, Double> started = new HashMap<>();
    Map<String, Double> rank = graph.upwardRanks();
    LinkedBlockingQueue<Done> finished = new LinkedBlockingQueue<>();
    current = finished;
    int free = cores;
    int running = 0;
    while (!pending.isEmpty() || running > 0) {
      if (cancelled) {
        for (String n : List.copyOf(pending)) {
          records.put(n, new TaskRecord(n, TaskRecord.State.CANCELLED, -1, -1, -1, graph.get(n).cores(), "burst cancelled"));
          listener.finished(records.get(n));
        }
        pending.clear();
      }
      cancelOrphans(graph, pending, records);
      int stage = pending.stream().mapToInt(n -> graph.get(n).stage()).min().orElse(Integer.MAX_VALUE);
      boolean earlierStageRunning = false;
      for (String n : started.keySet()) {
        if (!records.containsKey(n) && graph.get(n).stage() < stage) {
          earlierStageRunning = true;
        }
      }
      List<TaskNode> ready = new ArrayList<>();
      for (String n : pending) {
        TaskNode t = graph.get(n);
        boolean depsDone = t.dependsOn().stream().allMatch(d -> records.containsKey(d) && records.get(d).state() == TaskRecord.State.SUCCEEDED);
        boolean stageOpen = mode == ExecutionMode.ASYNC || (t.stage() == stage && !earlierStageRunning);
        if (depsDone && stageOpen) {
          ready.add(t);
        }
      }
      // critical path first; ties by name so runs are repeatable
      ready.sort(Comparator.comparingDouble((TaskNode t) -> -rank.get(t.name())).thenComparing(TaskNode::name));
      List<TaskNode> batch = new ArrayList<>();
      for (TaskNode t : ready) {
        if (t.cores() > free) {
          continue;
        }
        free -= t.cores();
        running++;
        pending.remove(t.name());
        double start = seconds(t0);
        started.put(t.name(), start);
        listener.started(t, start);
        batch.add(t);
      }
      // the tasks that start together go to the launcher together (Slurm submits an ensemble as one job array)
      List<java.util.concurrent.CompletableFuture<Integer>> launched = launchAll(batch);
      for (int i = 0; i < batch.size(); i++) {
        TaskNode t = batch.get(i);
        launched.get(i).whenComplete((code, error) -> finished.add(error == null
            ? new Done(t, code, code == 0 ? "" : "exit code " + code, seconds(t0))
            : new Done(t, -1, error.getMessage(), seconds(t0))));
      }
      if (running == 0) {
        if (!pending.isEmpty()) {
          // nothing runs and nothing can start: only tasks behind failures remain
          cancelOrphans(graph, pending, records);
          if (!pending.isEmpty()) {
            throw new IllegalStateException("tasks cannot be scheduled: " + pending);
          }
        }
        break;
      }
      Done d = finished.poll(1, TimeUnit.HOURS);
      if (d == null) {
        throw new IllegalStateException("no task finished within an hour");
      }
      if (d == WAKE) {
        continue;
      }
      running--;
      free += d.task().cores();
      TaskRecord.State state = d.exitCode() == 0 ? TaskRecord.State.SUCCEEDED
          : cancelled ? TaskRecord.State.CANCELLED : TaskRecord.State.FAILED;
      TaskRecord rec = new TaskRecord(d.task().name(), state, d.exitCode(), started.get(d.task().name()), d.end(),
          d.task().cores(), state == TaskRecord.State.CANCELLED ? "cancelled while running (" + d.message() + ")" : d.message());
      records.put(d.task().name(), rec);
      listener.finished(rec);
      if (state == TaskRecord.State.FAILED) {
        LOG.warn("task {} failed: {}", d.task().name(), d.message());
      }
    }
    List<TaskRecord> list = new ArrayList<>();
    graph.topologicalOrder().forEach(t -> list.add(records.get(t.name())));
    double first = list.stream().filter(r -> r.start() >= 0).mapToDouble(TaskRecord::start).min().orElse(0);
    double last = list.stream().filter(r -> r.start() >= 0).mapToDouble(TaskRecord::end).max().orElse(0);
    double makespan = last - first;
    double busy = list.stream().mapToDouble(r -> r.cores() * r.seconds()).sum();
    double utilization = makespan <= 0 ? 0 : busy / (cores * makespan);
    return new ScheduleResult(mode, list, makespan, utilization, graph.predictedMakespan(mode, cores));
  }

  /** The launcher's futures, or failed ones when the launcher itself throws (so the loop never hangs). */
  private List<java.util.concurrent.CompletableFuture<Integer>> launchAll(List<TaskNode> batch) {
    if (batch.isEmpty()) {
      return List.of();
    }
    try {
      List<java.util.concurrent.CompletableFuture<Integer>> f = launcher.launchAll(batch, TaskLauncher.IGNORED);
      if (f.size() == batch.size()) {
        return f;
      }
      throw new IllegalStateException("the launcher answered " + f.size() + " futures for " + batch.size() + " tasks");
    } catch (RuntimeException e) {
      return batch.stream().map(t -> java.util.concurrent.CompletableFuture.<Integer>failedFuture(e)).toList();
    }
  }

  /** Tasks whose dependency failed or was cancelled can never run: record them as cancelled. */
  private void cancelOrphans(TaskGraph graph, Set<String> pending, Map<String, TaskRecord> records) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (String n : List.copyOf(pending)) {
        for (String d : graph.get(n).dependsOn()) {
          TaskRecord r = records.get(d);
          if (r != null && r.state() != TaskRecord.State.SUCCEEDED) {
            records.put(n, new TaskRecord(n, TaskRecord.State.CANCELLED, -1, -1, -1, graph.get(n).cores(), "dependency " + d + " " + r.state()));
            listener.finished(records.get(n));
            pending.remove(n);
            changed = true;
            break;
          }
        }
      }
    }
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
