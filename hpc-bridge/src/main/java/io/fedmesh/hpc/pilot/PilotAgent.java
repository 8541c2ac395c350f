package io.fedmesh.hpc.pilot;

import io.fedmesh.hpc.pilot.PilotProtocol.EventKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The pilot agent: one process inside a burst's Slurm allocation that forks the tasks the bridge
 * appends to {@code <dir>/inbox} and appends what becomes of them to {@code <dir>/events} (see
 * {@link PilotProtocol}). A fork costs about a millisecond where a Slurm job costs a scheduler
 * cycle, and the agent's own loop polls the inbox every millisecond while it has work. It kills a
 * task (with its child processes) at its walltime, stops everything on {@code cancel}, leaves on
 * {@code end} once idle, and leaves by itself after {@code idleSeconds} without work, so an
 * allocation whose bridge went away for good is given back. Concurrency is the bridge's: it sends
 * a task only when the burst has cores free.
 */
public final class PilotAgent implements AutoCloseable {
  static final Duration KILL_GRACE = Duration.ofSeconds(5);

  private final Duration idleLimit;
  private final LineTail inbox;
  private final FileChannel events;
  private final Map<String, Running> running = new HashMap<>();
  private final Set<String> seen = new HashSet<>();
  private final LinkedBlockingQueue<String> exits = new LinkedBlockingQueue<>();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "pilot-walltime");
    t.setDaemon(true);
    return t;
  });

  /** A forked task; {@code timedOut} once its walltime killed it. */
  private static final class Running {
    final PilotProtocol.Task task;
    final Process process;
    volatile boolean timedOut;
    ScheduledFuture<?> timer;

    Running(PilotProtocol.Task task, Process process) {
      this.task = task;
      this.process = process;
    }
  }

  public PilotAgent(Path dir, Duration idleLimit) throws IOException {
    this.idleLimit = idleLimit;
    Files.createDirectories(dir);
    this.inbox = new LineTail(dir.resolve("inbox"));
    this.events = FileChannel.open(dir.resolve("events"), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** {@code PilotAgent DIR [IDLE_SECONDS]}: what the pilot allocation's batch script runs. */
  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: PilotAgent DIR [IDLE_SECONDS]   (DIR holds the inbox and events files)");
      System.exit(2);
    }
    Duration idle = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 300);
    int code;
    try (PilotAgent agent = new PilotAgent(Path.of(args[0]), idle)) {
      code = agent.run();
    }
    System.exit(code);
  }

  /** Runs until end (once idle), cancel or the idle limit; returns the agent's exit code. */
  public int run() throws IOException, InterruptedException {
    append(PilotProtocol.event(EventKind.READY, null, Long.toString(ProcessHandle.current().pid())));
    long lastWork = System.nanoTime();
    boolean ending = false;
    while (true) {
      List<String> lines = inbox.read();
      for (String line : lines) {
        PilotProtocol.Order order;
        try {
          order = PilotProtocol.order(line);
        } catch (IllegalArgumentException e) {
          System.err.println("pilot: refused an inbox line: " + e.getMessage());
          continue;
        }
        switch (order) {
          case PilotProtocol.RunTask r -> start(r.task());
          case PilotProtocol.End e -> ending = true;
          case PilotProtocol.Cancel c -> {
            cancelAll();
            return 0;
          }
        }
      }
      for (String ended = exits.poll(); ended != null; ended = exits.poll()) {
        report(ended);
      }
      if (!running.isEmpty() || !lines.isEmpty()) {
        lastWork = System.nanoTime();
      } else if (ending) {
        return 0;
      } else if (System.nanoTime() - lastWork > idleLimit.toNanos()) {
        System.err.println("pilot: no work for " + idleLimit.toSeconds() + " s, leaving the allocation");
        return 0;
      }
      // every millisecond while there is work (a dependent task waits on this), every 10 ms when idle
      long waitMs = System.nanoTime() - lastWork < 100_000_000L ? 1 : 10;
      String ended = exits.poll(waitMs, TimeUnit.MILLISECONDS);
      if (ended != null) {
        report(ended);
      }
    }
  }

  private void start(PilotProtocol.Task task) throws IOException {
    if (!seen.add(task.name())) {
      return; // handed over twice (a bridge that restarted): it runs once
    }
    Process p;
    try {
      Files.createDirectories(task.log().getParent());
      ProcessBuilder pb = new ProcessBuilder(task.argv()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(task.log().toFile()));
      if (task.output() != null) {
        Files.createDirectories(task.output().getParent());
        pb.environment().put("FEDMESH_OUTPUT", task.output().toString());
      }
      p = pb.start();
    } catch (IOException e) {
      append(PilotProtocol.event(EventKind.ERROR, task.name(), "could not start " + task.argv().get(0) + ": " + e.getMessage()));
      return;
    }
    Running r = new Running(task, p);
    running.put(task.name(), r);
    append(PilotProtocol.event(EventKind.STARTED, task.name(), Long.toString(p.pid())));
    if (task.walltimeSeconds() > 0) {
      r.timer = timers.schedule(() -> {
        r.timedOut = true;
        kill(r.process);
      }, task.walltimeSeconds(), TimeUnit.SECONDS);
    }
    p.onExit().thenRun(() -> exits.add(task.name()));
  }

  private void report(String name) throws IOException {
    Running r = running.remove(name);
    if (r == null) {
      return;
    }
    if (r.timer != null) {
      r.timer.cancel(false);
    }
    append(r.timedOut ? PilotProtocol.event(EventKind.TIMEOUT, name, Integer.toString(r.task.walltimeSeconds()))
        : PilotProtocol.event(EventKind.EXITED, name, Integer.toString(r.process.exitValue())));
  }

  /** Stops every running task, reports how each ended, and gives up waiting after the kill grace. */
  private void cancelAll() throws IOException, InterruptedException {
    running.values().forEach(r -> kill(r.process));
    long deadline = System.nanoTime() + KILL_GRACE.toNanos() + 1_000_000_000L;
    while (!running.isEmpty() && System.nanoTime() < deadline) {
      String ended = exits.poll(10, TimeUnit.MILLISECONDS);
      if (ended != null) {
        report(ended);
      }
    }
  }

  /** SIGTERM to the task and its descendants (taken first, orphans leave the tree), SIGKILL after the grace. */
  private void kill(Process p) {
    List<ProcessHandle> tree = p.descendants().toList();
    tree.forEach(ProcessHandle::destroy);
    p.destroy();
    timers.schedule(() -> {
      tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }, KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One write per line: appends of one write are not interleaved on a local file system. */
  private void append(String line) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) {
      events.write(b);
    }
  }

  @Override
  public void close() throws IOException {
    timers.shutdownNow();
    inbox.close();
    events.close();
  }
}
