package io.fedmesh.hpc.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.fedmesh.common.grpc.Chunks;
import io.fedmesh.common.io.AtomicFiles;
import io.fedmesh.hpc.engine.AsyncScheduler;
import io.fedmesh.hpc.engine.TaskGraph;
import io.fedmesh.hpc.engine.TaskNode;
import io.fedmesh.hpc.sim.SimulationLauncher;
import io.fedmesh.proto.hpc.v1.CancelBurstRequest;
import io.fedmesh.proto.hpc.v1.CancelBurstResponse;
import io.fedmesh.proto.hpc.v1.BurstStatus;
import io.fedmesh.proto.hpc.v1.ClusterInfo;
import io.fedmesh.proto.hpc.v1.DataChunk;
import io.fedmesh.proto.hpc.v1.DescribeClusterRequest;
import io.fedmesh.proto.hpc.v1.ExecutionMode;
import io.fedmesh.proto.hpc.v1.FetchDataRequest;
import io.fedmesh.proto.hpc.v1.GetBurstRequest;
import io.fedmesh.proto.hpc.v1.HpcBridgeGrpc;
import io.fedmesh.proto.hpc.v1.SubmitBurstRequest;
import io.fedmesh.proto.hpc.v1.SubmitBurstResponse;
import io.fedmesh.proto.hpc.v1.TaskEvent;
import io.fedmesh.proto.hpc.v1.WatchBurstRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HPC bridge's gRPC service. Submit is idempotent on the burst's uid: a resubmit returns the
 * burst that exists. Everything is journaled under {@code <workDir>/bursts/<uid>/}, written
 * atomically: the request (request.json), each task's job id and exit code (tasks.json, see
 * {@link BurstJournal}) and the final status (status.json). A restarted bridge serves finished
 * bursts from status.json and resumes unfinished ones: it follows the jobs it had submitted and
 * submits only the tasks that never were.
 */
public final class HpcBridgeService extends HpcBridgeGrpc.HpcBridgeImplBase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HpcBridgeService.class);

  private final io.micrometer.core.instrument.MeterRegistry registry;
  private final Path workDir;
  private final int cores;
  private final String scheduler;
  private final LauncherFactory launchers;
  private final TaskCommands commands;
  private final Map<String, BurstExecution> bursts = new ConcurrentHashMap<>();
  private final Map<String, BurstJournal> journals = new ConcurrentHashMap<>();
  private volatile boolean closing;
  private volatile java.util.function.Supplier<ClusterInfo> clusterProbe;
  private final Map<String, BurstStatus> finishedBefore = new ConcurrentHashMap<>();
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "burst");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param launchers builds the launcher of a burst (local slots or Slurm)
   */
  public HpcBridgeService(Path workDir, int cores, String scheduler, LauncherFactory launchers) {
    this(workDir, cores, scheduler, launchers, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  public HpcBridgeService(Path workDir, int cores, String scheduler, LauncherFactory launchers,
      io.micrometer.core.instrument.MeterRegistry registry) {
    this(workDir, cores, scheduler, launchers, registry, new SimulationLauncher());
  }

  /** @param simulation builds the command line of the built-in reference simulation */
  public HpcBridgeService(Path workDir, int cores, String scheduler, LauncherFactory launchers,
      io.micrometer.core.instrument.MeterRegistry registry, SimulationLauncher simulation) {
    this.commands = new TaskCommands(simulation);
    this.registry = registry;
    io.micrometer.core.instrument.Gauge.builder("fedmesh_bridge_bursts_running", bursts,
        m -> m.values().stream().filter(b -> !b.done()).count()).description("bursts in progress").register(registry);
    this.workDir = workDir;
    this.cores = cores;
    this.scheduler = scheduler;
    this.launchers = launchers;
    reload();
  }

  @Override
  public void submit(SubmitBurstRequest request, StreamObserver<SubmitBurstResponse> response) {
    String uid = request.getBurstUid();
    if (uid.isBlank()) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("burst_uid is required (the SimulationBurst's metadata.uid)").asRuntimeException());
      return;
    }
    synchronized (this) {
      BurstExecution existing = bursts.get(uid);
      if (existing != null || finishedBefore.containsKey(uid)) {
        response.onNext(SubmitBurstResponse.newBuilder().setBurstUid(uid).setCreated(false).setStatus(status(uid)).build());
        response.onCompleted();
        return;
      }
      Path dir = burstDir(uid);
      BurstExecution burst;
      try {
        burst = execution(request, dir);
      } catch (IllegalArgumentException e) {
        response.onError(Status.INVALID_ARGUMENT.withDescription("burst " + request.getBurstName() + ": " + e.getMessage()).asRuntimeException());
        return;
      }
      AtomicFiles.write(dir.resolve("request.json"), json(request));
      start(burst, dir);
      LOG.info("burst {} ({}): {} tasks submitted, {} mode", request.getBurstName(), uid, burst.graph.tasks().size(), burst.mode);
    }
    response.onNext(SubmitBurstResponse.newBuilder().setBurstUid(uid).setCreated(true).setStatus(status(uid)).build());
    response.onCompleted();
  }

  private BurstExecution execution(SubmitBurstRequest request, Path dir) {
    TaskGraph graph = commands.graphOf(request, dir.resolve("output"), dir.resolve("work"));
    ExecutionMode mode = request.getMode() == ExecutionMode.EXECUTION_MODE_BARRIER ? ExecutionMode.EXECUTION_MODE_BARRIER
        : ExecutionMode.EXECUTION_MODE_ASYNC;
    return new BurstExecution(request.getBurstUid(), request.getBurstName(), mode, graph, dir.resolve("output"));
  }

  private void start(BurstExecution burst, Path dir) {
    bursts.put(burst.uid, burst);
    executor.submit(() -> run(burst, dir));
  }

  private Path burstDir(String uid) {
    return workDir.resolve("bursts").resolve(uid);
  }

  private void run(BurstExecution burst, Path dir) {
    try {
      java.nio.file.Files.createDirectories(dir.resolve("work"));
      BurstJournal journal = BurstJournal.open(dir);
      journals.put(burst.uid, journal);
      JournaledLauncher launcher = new JournaledLauncher(launchers.create(burst.uid, burst.outputDir), journal,
          new io.fedmesh.hpc.engine.TaskLauncher.Events() {
            @Override
            public void submitted(TaskNode task, String jobId) {
              burst.jobId(task.name(), jobId);
            }

            @Override
            public void running(TaskNode task) {
              burst.running(task.name());
            }
          });
      io.fedmesh.hpc.engine.ExecutionMode mode = burst.mode == ExecutionMode.EXECUTION_MODE_BARRIER
          ? io.fedmesh.hpc.engine.ExecutionMode.BARRIER : io.fedmesh.hpc.engine.ExecutionMode.ASYNC;
      AsyncScheduler.Listener counted = new AsyncScheduler.Listener() {
        @Override
        public void started(TaskNode task, double atSeconds) {
          registry.counter("fedmesh_bridge_tasks_started_total").increment();
          burst.started(task, atSeconds);
        }

        @Override
        public void finished(io.fedmesh.hpc.engine.TaskRecord record) {
          registry.counter("fedmesh_bridge_tasks_finished_total", "state", record.state().name().toLowerCase()).increment();
          burst.finished(record);
        }
      };
      AsyncScheduler scheduler = new AsyncScheduler(launcher, cores, counted);
      burst.scheduledBy(scheduler);
      var result = scheduler.run(burst.graph, mode);
      if (closing) {
        return; // the bridge stops: leave the journal as it is, the next bridge process resumes the burst
      }
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
    BurstStatus end = status(burst.uid);
    AtomicFiles.write(dir.resolve("status.json"), json(end));
    LOG.info("burst {} finished: {}", burst.name, end.getPhase());
  }

  @Override
  public void cancel(CancelBurstRequest request, StreamObserver<CancelBurstResponse> response) {
    String uid = request.getBurstUid();
    BurstExecution b = bursts.get(uid);
    if (b == null && !finishedBefore.containsKey(uid)) {
      response.onError(notFound(uid));
      return;
    }
    int n = b == null ? 0 : b.cancel();
    if (n > 0) {
      LOG.info("burst {} ({}): cancel requested, {} unfinished task(s)", b.name, uid, n);
    }
    response.onNext(CancelBurstResponse.newBuilder().setCancelled(n).build());
    response.onCompleted();
  }

  @Override
  public void watch(WatchBurstRequest request, StreamObserver<TaskEvent> response) {
    BurstExecution b = bursts.get(request.getBurstUid());
    if (b == null) {
      BurstStatus old = finishedBefore.get(request.getBurstUid());
      if (old == null) {
        response.onError(notFound(request.getBurstUid()));
        return;
      }
      old.getTasksList().forEach(response::onNext);
      response.onCompleted();
      return;
    }
    b.watch(response);
  }

  @Override
  public void get(GetBurstRequest request, StreamObserver<BurstStatus> response) {
    BurstStatus s = status(request.getBurstUid());
    if (s == null) {
      response.onError(notFound(request.getBurstUid()));
      return;
    }
    response.onNext(s);
    response.onCompleted();
  }

  /**
   * Answers DescribeCluster from {@code probe} (sinfo/squeue on Slurm, see
   * {@link io.fedmesh.hpc.slurm.SlurmCluster}); by default the bridge's own slots. Call before serving.
   */
  public HpcBridgeService withClusterProbe(java.util.function.Supplier<ClusterInfo> probe) {
    this.clusterProbe = probe;
    return this;
  }

  @Override
  public void describeCluster(DescribeClusterRequest request, StreamObserver<ClusterInfo> response) {
    try {
      response.onNext(clusterProbe == null ? localCluster() : clusterProbe.get());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(Status.UNAVAILABLE.withDescription(scheduler + " cannot be described: " + e.getMessage()).asRuntimeException());
    }
  }

  private ClusterInfo localCluster() {
    long running = bursts.values().stream().filter(b -> !b.done()).count();
    return ClusterInfo.newBuilder().setScheduler(scheduler).setRunningJobs((int) running)
        .addPartitions(io.fedmesh.proto.hpc.v1.Partition.newBuilder().setName("default").setTotalCpus(cores).setFreeCpus(cores)
            .setNodes(1).setState("up"))
        .setVersion("fedmesh-hpc-bridge 0.1.0").build();
  }

  /** The burst's CSV outputs concatenated, header once, in task order. */
  @Override
  public void fetchData(FetchDataRequest request, StreamObserver<DataChunk> response) {
    String uid = request.getBurstUid();
    if (status(uid) == null) {
      response.onError(notFound(uid));
      return;
    }
    Path out = workDir.resolve("bursts").resolve(uid).resolve("output");
    io.fedmesh.common.data.CsvJoiner data = new io.fedmesh.common.data.CsvJoiner();
    if (Files.isDirectory(out)) {
      try (Stream<Path> files = Files.list(out)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
          List<String> lines = Files.readAllLines(f);
          if (!data.append(lines)) {
            response.onError(Status.FAILED_PRECONDITION.withDescription(f.getFileName() + " has header '" + lines.get(0)
                + "' but the burst's first output has '" + data.header() + "'").asRuntimeException());
            return;
          }
        }
      } catch (IOException e) {
        response.onError(Status.INTERNAL.withDescription("cannot read outputs of " + uid + ": " + e.getMessage()).asRuntimeException());
        return;
      }
    }
    long samples = data.rows();
    byte[] bytes = data.bytes();
    Chunks.send(bytes, request.getOffset(), (offset, len, last) -> response.onNext(DataChunk.newBuilder().setOffset(offset)
        .setTotalBytes(bytes.length).setSamples(samples).setData(ByteString.copyFrom(bytes, offset, len)).setLast(last).build()));
    response.onCompleted();
  }

  /** The current status of a burst with its tasks' events, or null when unknown. */
  public BurstStatus describe(String uid) {
    return status(uid);
  }

  BurstStatus status(String uid) {
    BurstExecution b = bursts.get(uid);
    if (b != null) {
      return b.status(0);
    }
    return finishedBefore.get(uid);
  }

  /**
   * Bursts journaled by an earlier run of the bridge: finished ones are served as they ended,
   * unfinished ones resume (their jobs are followed, never submitted again).
   */
  private void reload() {
    Path root = workDir.resolve("bursts");
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.toList()) {
        Path st = dir.resolve("status.json");
        String uid = dir.getFileName().toString();
        if (Files.exists(st)) {
          BurstStatus.Builder b = BurstStatus.newBuilder();
          JsonFormat.parser().merge(Files.readString(st), b);
          finishedBefore.put(uid, b.build());
        } else if (Files.exists(dir.resolve("request.json"))) {
          SubmitBurstRequest.Builder request = SubmitBurstRequest.newBuilder();
          JsonFormat.parser().merge(Files.readString(dir.resolve("request.json")), request);
          BurstExecution burst = execution(request.build(), dir);
          start(burst, dir);
          LOG.info("burst {} ({}): resumed after a bridge restart", burst.name, uid);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the journal in " + root + ": " + e.getMessage(), e);
    }
  }

  private static io.grpc.StatusRuntimeException notFound(String uid) {
    return Status.NOT_FOUND.withDescription("no burst with uid " + uid + " on this bridge").asRuntimeException();
  }

  private static String json(com.google.protobuf.MessageOrBuilder m) {
    try {
      return JsonFormat.printer().print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
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
