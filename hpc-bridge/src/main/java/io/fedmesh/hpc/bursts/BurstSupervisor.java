package io.fedmesh.hpc.bursts;

import io.fedmesh.hpc.engine.AsyncScheduler;
import io.fedmesh.hpc.engine.ScheduleResult;
import io.fedmesh.hpc.engine.TaskGraph;
import io.fedmesh.hpc.engine.TaskLauncher;
import io.fedmesh.hpc.engine.TaskNode;
import io.fedmesh.hpc.engine.TaskRecord;
import io.fedmesh.hpc.apps.ApplicationAllowlist;
import io.fedmesh.proto.hpc.v1.BurstStatus;
import io.fedmesh.proto.hpc.v1.Execution;
import io.fedmesh.proto.hpc.v1.ExecutionMode;
import io.fedmesh.proto.hpc.v1.SubmitBurstRequest;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and follows the bridge's burst executions: each burst runs on its own thread, through
 * the {@link AsyncScheduler} on its launcher with its journal in front ({@link JournaledLauncher}),
 * until it ends and its status is written to the {@link BurstStore}. Submit is idempotent on the
 * burst's uid. Unfinished bursts of an earlier bridge process resume: their submitted jobs are
 * followed and only the tasks that never were are submitted.
 */
public final class BurstSupervisor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BurstSupervisor.class);

  private final BurstStore store;
  private final int cores;
  private final LauncherFactory launchers;
  private final TaskCommands commands;
  private final MeterRegistry registry;
  private final Map<String, BurstJournal> journals = new ConcurrentHashMap<>();
  private volatile boolean closing;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "burst");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param cores how many cores the bursts' tasks may occupy at once, per burst
   * @param launchers builds the launcher of a burst (local slots or Slurm)
   * @param applications what tasks may run
   */
  public BurstSupervisor(BurstStore store, int cores, LauncherFactory launchers, ApplicationAllowlist applications,
      MeterRegistry registry) {
    this.store = store;
    this.cores = cores;
    this.launchers = launchers;
    this.commands = new TaskCommands(applications);
    this.registry = registry;
    Gauge.builder("fedmesh_bridge_bursts_running", store, BurstStore::running).description("bursts in progress").register(registry);
  }

  /** Resumes the unfinished bursts in the store's journal (call once, before serving). */
  public void resumeJournaled() {
    store.reload(request -> {
      BurstExecution burst;
      try {
        burst = execution(request);
      } catch (IllegalArgumentException e) {
        // e.g. its application left the allowlist: the bridge still starts and serves the others
        LOG.error("burst {} ({}) not resumed, its jobs are no longer followed: {}", request.getBurstName(), request.getBurstUid(),
            e.getMessage());
        return;
      }
      start(burst);
      LOG.info("burst {} ({}): resumed after a bridge restart", burst.name, burst.uid);
    });
  }

  /**
   * Journals the request and starts the burst, unless the bridge knows its uid already (then empty).
   *
   * @throws IllegalArgumentException when the request is not a valid burst (nothing is journaled)
   */
  public synchronized Optional<BurstExecution> submit(SubmitBurstRequest request) {
    if (store.knows(request.getBurstUid())) {
      if (!store.sameAsJournaled(request)) {
        throw new SpecConflictException("burst uid " + request.getBurstUid() + " was submitted before with a different spec; a uid"
            + " is one burst: create a new SimulationBurst for a new spec");
      }
      return Optional.empty();
    }
    BurstExecution burst = execution(request);
    store.recordRequest(request);
    start(burst);
    LOG.info("burst {} ({}): {} tasks submitted, {} mode, {}", request.getBurstName(), burst.uid, burst.graph.tasks().size(), burst.mode,
        burst.execution);
    return Optional.of(burst);
  }

  /** A resubmit of a known uid with another spec. */
  public static final class SpecConflictException extends IllegalStateException {
    SpecConflictException(String message) {
      super(message);
    }
  }

  /** Cancels a live burst's unfinished tasks; returns how many there were (0 when it had ended or is not live). */
  public int cancel(String uid) {
    Optional<BurstExecution> b = store.live(uid);
    int n = b.map(BurstExecution::cancel).orElse(0);
    if (n > 0) {
      LOG.info("burst {} ({}): cancel requested, {} unfinished task(s)", b.get().name, uid, n);
    }
    return n;
  }

  private BurstExecution execution(SubmitBurstRequest request) {
    Path dir = store.dir(request.getBurstUid());
    TaskGraph graph = commands.graphOf(request, dir.resolve("output"), dir.resolve("work"));
    ExecutionMode mode = request.getMode() == ExecutionMode.EXECUTION_MODE_BARRIER ? ExecutionMode.EXECUTION_MODE_BARRIER
        : ExecutionMode.EXECUTION_MODE_ASYNC;
    Execution execution = request.getExecution() == Execution.EXECUTION_PILOT ? Execution.EXECUTION_PILOT : Execution.EXECUTION_BATCH;
    return new BurstExecution(request.getBurstUid(), request.getBurstName(), mode, execution, graph, dir.resolve("output"));
  }

  private void start(BurstExecution burst) {
    store.add(burst);
    executor.submit(() -> run(burst));
  }

  private void run(BurstExecution burst) {
    Path dir = store.dir(burst.uid);
    try {
      Files.createDirectories(dir.resolve("work"));
      BurstJournal journal = BurstJournal.open(dir);
      journals.put(burst.uid, journal);
      JournaledLauncher launcher = new JournaledLauncher(launchers.create(burst.uid, burst.outputDir, burst.execution, burst.graph),
          journal, reporting(burst));
      AsyncScheduler scheduler = new AsyncScheduler(launcher, cores, counted(burst));
      burst.scheduledBy(scheduler);
      ScheduleResult result = scheduler.run(burst.graph, engineMode(burst.mode));
      if (closing) {
        return; // the bridge stops: leave the journal as it is, the next bridge process resumes the burst
      }
      launcher.burstEnded();
      burst.complete(result, null);
      if (launcher.reattached() > 0) {
        LOG.info("burst {}: {} task(s) followed from the journal, {} submitted by this bridge process", burst.name,
            launcher.reattached(), launcher.submitted());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return; // shutdown, as above
    } catch (Exception e) {
      if (closing) {
        return;
      }
      LOG.error("burst {} failed: {}", burst.name, e.getMessage());
      burst.complete(null, e.getMessage());
    }
    journals.remove(burst.uid); // ended: nothing more to journal, nothing to close at shutdown
    BurstStatus end;
    try {
      end = store.recordEnd(burst);
    } finally {
      burst.endWatches();
    }
    LOG.info("burst {} finished: {}", burst.name, end.getPhase());
  }

  /** The launcher's events about the burst's jobs, passed on to the burst. */
  private static TaskLauncher.Events reporting(BurstExecution burst) {
    return new TaskLauncher.Events() {
      @Override
      public void submitted(TaskNode task, String jobId) {
        burst.jobId(task.name(), jobId);
      }

      @Override
      public void running(TaskNode task) {
        burst.running(task.name());
      }
    };
  }

  /** The scheduler's events, counted in the metrics and passed on to the burst. */
  private AsyncScheduler.Listener counted(BurstExecution burst) {
    return new AsyncScheduler.Listener() {
      @Override
      public void started(TaskNode task, double atSeconds) {
        registry.counter("fedmesh_bridge_tasks_started_total").increment();
        burst.started(task, atSeconds);
      }

      @Override
      public void finished(TaskRecord record) {
        registry.counter("fedmesh_bridge_tasks_finished_total", "state", record.state().name().toLowerCase()).increment();
        burst.finished(record);
      }
    };
  }

  private static io.fedmesh.hpc.engine.ExecutionMode engineMode(ExecutionMode mode) {
    return mode == ExecutionMode.EXECUTION_MODE_BARRIER ? io.fedmesh.hpc.engine.ExecutionMode.BARRIER
        : io.fedmesh.hpc.engine.ExecutionMode.ASYNC;
  }

  /**
   * Stops scheduling without touching the jobs: what runs keeps running (Slurm jobs, local
   * processes) and the next bridge process on the same work directory follows it.
   */
  @Override
  public void close() {
    closing = true;
    journals.values().forEach(BurstJournal::close);
    executor.shutdownNow();
  }
}
