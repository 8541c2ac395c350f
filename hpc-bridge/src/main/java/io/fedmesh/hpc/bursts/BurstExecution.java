package io.fedmesh.hpc.bursts;

import io.fedmesh.hpc.engine.AsyncScheduler;
import io.fedmesh.hpc.engine.ScheduleResult;
import io.fedmesh.hpc.engine.TaskGraph;
import io.fedmesh.hpc.engine.TaskNode;
import io.fedmesh.hpc.engine.TaskRecord;
import io.fedmesh.proto.hpc.v1.BurstPhase;
import io.fedmesh.proto.hpc.v1.BurstStatus;
import io.fedmesh.proto.hpc.v1.ExecutionMode;
import io.fedmesh.proto.hpc.v1.TaskEvent;
import io.fedmesh.proto.hpc.v1.TaskState;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** One burst on the bridge: its tasks' latest events, its watchers, and its result once done. */
public final class BurstExecution implements AsyncScheduler.Listener {
  final String uid;
  final String name;
  final ExecutionMode mode;
  /** Batch jobs or one pilot allocation. */
  final io.fedmesh.proto.hpc.v1.Execution execution;
  final TaskGraph graph;
  final Path outputDir;
  final long startedAtMs = System.currentTimeMillis();
  private final Map<String, TaskEvent> events = new LinkedHashMap<>();
  private final List<StreamObserver<TaskEvent>> watchers = new CopyOnWriteArrayList<>();
  private volatile ScheduleResult result;
  private volatile String error;
  private volatile boolean cancelRequested;
  /** Set once the end is journaled: from then on a watch ends as soon as it has the events. */
  private boolean watchesEnded;
  private AsyncScheduler scheduler;

  BurstExecution(String uid, String name, ExecutionMode mode, io.fedmesh.proto.hpc.v1.Execution execution, TaskGraph graph,
      Path outputDir) {
    this.uid = uid;
    this.name = name;
    this.mode = mode;
    this.execution = execution;
    this.graph = graph;
    this.outputDir = outputDir;
    for (TaskNode t : graph.tasks()) {
      events.put(t.name(), event(t.name(), TaskState.TASK_STATE_PENDING, 0, "", 0, 0));
    }
  }

  /** The engine launched it: queued at the scheduler until {@link #running} (a local process runs at once). */
  @Override
  public synchronized void started(TaskNode task, double atSeconds) {
    TaskEvent previous = events.get(task.name());
    if (previous != null && previous.getState() == TaskState.TASK_STATE_RUNNING) {
      return; // the launcher already said it runs
    }
    publish(event(task.name(), TaskState.TASK_STATE_QUEUED, 0, "", 0, 0));
  }

  /** The scheduler runs it now (squeue shows it RUNNING, or the process started). */
  synchronized void running(String task) {
    TaskEvent previous = events.get(task);
    if (previous != null && (previous.getState() == TaskState.TASK_STATE_PENDING || previous.getState() == TaskState.TASK_STATE_QUEUED)) {
      publish(event(task, TaskState.TASK_STATE_RUNNING, 0, "", System.currentTimeMillis(), 0));
    }
  }

  @Override
  public synchronized void finished(TaskRecord r) {
    TaskState state = switch (r.state()) {
      case SUCCEEDED -> TaskState.TASK_STATE_SUCCEEDED;
      case FAILED -> TaskState.TASK_STATE_FAILED;
      case CANCELLED -> TaskState.TASK_STATE_CANCELLED;
    };
    TaskEvent previous = events.get(r.name());
    // the time it started running when the scheduler told us, else when it was launched
    long started = previous != null && previous.getStartedUnixMs() > 0 ? previous.getStartedUnixMs()
        : r.start() < 0 ? 0 : ms(r.start());
    publish(event(r.name(), state, r.exitCode(), r.message(), started, r.start() < 0 ? 0 : ms(r.end())));
  }

  /** The scheduler that runs this burst; a cancel that came first is passed on at once. */
  synchronized void scheduledBy(AsyncScheduler s) {
    this.scheduler = s;
    if (cancelRequested) {
      s.cancel();
    }
  }

  /** Cancels the burst's unfinished tasks; returns how many there were (0 when it had ended). */
  int cancel() {
    AsyncScheduler s;
    int unfinished;
    synchronized (this) {
      if (done()) {
        return 0;
      }
      cancelRequested = true;
      s = scheduler;
      unfinished = (int) events.values().stream().filter(e -> e.getState() == TaskState.TASK_STATE_PENDING
          || e.getState() == TaskState.TASK_STATE_QUEUED || e.getState() == TaskState.TASK_STATE_RUNNING).count();
    }
    if (s != null) {
      s.cancel(); // outside the lock: the scheduler's listener calls back into this object
    }
    return unfinished;
  }

  boolean cancelRequested() {
    return cancelRequested;
  }

  /** Records the scheduler's job id of a task (Slurm job id, process id). */
  synchronized void jobId(String task, String jobId) {
    TaskEvent e = events.get(task);
    if (e != null) {
      publish(e.toBuilder().setJobId(jobId).build());
    }
  }

  /** Marks the burst ended; its watchers stay open until {@link #endWatches} (after the end is journaled). */
  synchronized void complete(ScheduleResult r, String failure) {
    this.result = r;
    this.error = failure;
  }

  /**
   * Ends every watch. Called once status.json is written, so a client that saw its watch end and
   * then restarts the bridge finds the burst ended, not resumed.
   */
  synchronized void endWatches() {
    watchesEnded = true;
    for (StreamObserver<TaskEvent> w : watchers) {
      w.onCompleted();
    }
    watchers.clear();
  }

  /** Sends {@code watcher} every task's latest event, then each new one until the burst ends. */
  public synchronized void watch(StreamObserver<TaskEvent> watcher) {
    events.values().forEach(watcher::onNext);
    if (watchesEnded) {
      watcher.onCompleted();
    } else {
      watchers.add(watcher);
    }
  }

  boolean done() {
    return result != null || error != null;
  }

  synchronized BurstStatus status(long producedSamples) {
    BurstStatus.Builder b = BurstStatus.newBuilder().setBurstUid(uid).setMode(mode).setTotal(events.size());
    int pending = 0;
    int queued = 0;
    int running = 0;
    int ok = 0;
    int failed = 0;
    int cancelledTasks = 0;
    for (TaskEvent e : events.values()) {
      switch (e.getState()) {
        case TASK_STATE_QUEUED -> queued++;
        case TASK_STATE_RUNNING -> running++;
        case TASK_STATE_SUCCEEDED -> ok++;
        case TASK_STATE_FAILED -> failed++;
        case TASK_STATE_CANCELLED -> cancelledTasks++;
        default -> pending++;
      }
      b.addTasks(e);
    }
    b.setPending(pending).setQueued(queued).setRunning(running).setSucceeded(ok).setFailed(failed).setCancelled(cancelledTasks)
        .setProducedSamples(producedSamples);
    if (error != null) {
      b.setPhase(BurstPhase.BURST_PHASE_FAILED).setMessage(error);
    } else if (result != null) {
      b.setPhase(cancelRequested ? BurstPhase.BURST_PHASE_CANCELLED
              : failed + cancelledTasks > 0 ? BurstPhase.BURST_PHASE_FAILED : BurstPhase.BURST_PHASE_SUCCEEDED)
          .setMakespanSeconds(result.makespanSeconds()).setUtilization(result.utilization())
          .setPredictedMakespanSeconds(result.predictedMakespanSeconds());
      if (cancelRequested) {
        b.setMessage("cancelled: " + cancelledTasks + " task(s) did not finish");
      } else if (failed > 0) {
        b.setMessage(failed + " task(s) failed; see their exit codes");
      }
    } else {
      b.setPhase(running > 0 || ok > 0 || failed > 0 ? BurstPhase.BURST_PHASE_RUNNING : BurstPhase.BURST_PHASE_PENDING);
    }
    return b.build();
  }

  private void publish(TaskEvent e) {
    events.put(e.getTask(), e);
    for (StreamObserver<TaskEvent> w : watchers) {
      w.onNext(e);
    }
  }

  private TaskEvent event(String task, TaskState state, int exit, String message, long startMs, long endMs) {
    TaskEvent previous = events.get(task);
    return TaskEvent.newBuilder().setBurstUid(uid).setTask(task).setState(state).setExitCode(exit).setMessage(message)
        .setJobId(previous == null ? "" : previous.getJobId())
        .setQueuedUnixMs(startedAtMs)
        .setStartedUnixMs(startMs > 0 ? startMs : previous == null ? 0 : previous.getStartedUnixMs())
        .setFinishedUnixMs(endMs).build();
  }

  private long ms(double secondsFromStart) {
    return startedAtMs + (long) (secondsFromStart * 1000);
  }
}
