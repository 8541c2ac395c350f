package io.fedmesh.hpc.pilot;

import io.fedmesh.hpc.pilot.PilotProtocol.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's side of one pilot agent's files ({@link PilotProtocol}): hands tasks over through
 * the inbox and turns the agent's events into each task's exit code. Opening it on the files of an
 * earlier bridge process replays both: the tasks already handed over are never sent again, and the
 * ones that ended are answered from the events, so a restarted bridge neither loses nor reruns a
 * task. A thread tails the events every millisecond while a task is outstanding.
 */
public final class PilotConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PilotConnection.class);

  /** What became of a task the agent reported on: an exit code, or the reason it has none. */
  private record Outcome(Integer exitCode, String failure) {}

  private final String jobId;
  private final Path dir;
  private final FileChannel inbox;
  private final LineTail events;
  private final Set<String> handedOver = new HashSet<>();
  private final Map<String, Outcome> outcomes = new HashMap<>();
  private final Map<String, CompletableFuture<Integer>> waiting = new HashMap<>();
  private final Map<String, Runnable> onStart = new HashMap<>();
  private final Set<String> started = new HashSet<>();
  private String endedBecause;
  private volatile boolean ready;
  private volatile boolean closed;
  private final Thread tail;

  /** Opens (or creates) the pilot's files in {@code dir}; {@code jobId} is its Slurm allocation. */
  public PilotConnection(Path dir, String jobId) throws IOException {
    this.jobId = jobId;
    this.dir = dir;
    Files.createDirectories(dir);
    try (LineTail previous = new LineTail(dir.resolve("inbox"))) {
      for (String line : previous.read()) {
        if (PilotProtocol.order(line) instanceof PilotProtocol.RunTask r) {
          handedOver.add(r.task().name());
        }
      }
    } catch (IllegalArgumentException e) {
      throw new IOException(dir.resolve("inbox") + " is not a pilot inbox: " + e.getMessage(), e);
    }
    this.inbox = FileChannel.open(dir.resolve("inbox"), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    this.events = new LineTail(dir.resolve("events"));
    poll();
    this.tail = Thread.ofPlatform().daemon().name("pilot-" + jobId).start(this::tailLoop);
  }

  public String jobId() {
    return jobId;
  }

  public Path dir() {
    return dir;
  }

  /** Whether the agent said it runs (its allocation started). */
  public boolean ready() {
    return ready;
  }

  /** Whether this task was handed to the agent, by this bridge process or an earlier one. */
  public synchronized boolean handedOver(String task) {
    return handedOver.contains(task);
  }

  /**
   * The task's exit code once the agent reports it; {@code started} runs once it started. A task the
   * agent already reported on completes at once; after the allocation ended, an unfinished one fails.
   */
  public synchronized CompletableFuture<Integer> follow(String task, Runnable started) {
    CompletableFuture<Integer> f = waiting.computeIfAbsent(task, k -> new CompletableFuture<>());
    if (this.started.contains(task)) {
      started.run();
    } else {
      onStart.put(task, started);
    }
    Outcome o = outcomes.get(task);
    if (o != null) {
      complete(task, o);
    } else if (endedBecause != null) {
      waiting.remove(task);
      onStart.remove(task);
      f.completeExceptionally(new IllegalStateException(endedBecause));
    }
    return f;
  }

  /** Appends the tasks not handed over yet to the inbox, in one write. */
  public synchronized void send(List<PilotProtocol.Task> tasks) {
    StringBuilder lines = new StringBuilder();
    for (PilotProtocol.Task t : tasks) {
      if (handedOver.add(t.name())) {
        lines.append(PilotProtocol.task(t));
      }
    }
    write(lines.toString());
  }

  /** Tells the agent to kill every task and leave the allocation. */
  public synchronized void cancel() {
    write(PilotProtocol.cancel());
  }

  /** Tells the agent no more tasks come: it leaves the allocation once the running ones end. */
  public synchronized void end() {
    write(PilotProtocol.end());
  }

  /** Tasks followed that have not ended (a future leaves {@code waiting} when it completes). */
  public synchronized int unfinished() {
    return waiting.size();
  }

  /**
   * The allocation is gone: reads the agent's last events, then fails every task still unfinished
   * with {@code why}, and any followed from now on.
   */
  public synchronized void allocationEnded(String why) {
    poll();
    endedBecause = why;
    Map<String, CompletableFuture<Integer>> left = new HashMap<>(waiting);
    waiting.clear();
    onStart.clear();
    left.forEach((task, f) -> f.completeExceptionally(new IllegalStateException("task " + task + ": " + why)));
  }

  /** Reads the events appended since the last poll. */
  synchronized void poll() {
    List<String> lines;
    try {
      lines = events.read();
    } catch (IOException e) {
      LOG.warn("pilot {}: cannot read its events: {}", jobId, e.getMessage());
      return;
    }
    for (String line : lines) {
      Event e;
      try {
        e = PilotProtocol.parseEvent(line);
      } catch (IllegalArgumentException ex) {
        LOG.warn("pilot {}: ignored an event line: {}", jobId, ex.getMessage());
        continue;
      }
      if (e.kind() == PilotProtocol.EventKind.READY) {
        ready = true;
        continue;
      }
      if (!handedOver.contains(e.task())) {
        LOG.warn("pilot {}: ignored an event about task {}, which was never handed to it", jobId, e.task());
        continue;
      }
      switch (e.kind()) {
        case STARTED -> {
          started.add(e.task());
          Runnable r = onStart.remove(e.task());
          if (r != null) {
            r.run();
          }
        }
        case EXITED -> record(e.task(), new Outcome(e.number(), null));
        case TIMEOUT -> record(e.task(), new Outcome(null, "TIMEOUT: task " + e.task() + " ran past its walltime of " + e.value()
            + " s and was killed with its child processes by the pilot (raise walltimeSeconds if it needs longer)"));
        default -> record(e.task(), new Outcome(null, "task " + e.task() + " did not start in pilot " + jobId + ": " + e.value()));
      }
    }
  }

  private void record(String task, Outcome o) {
    if (outcomes.putIfAbsent(task, o) == null && waiting.containsKey(task)) {
      complete(task, o);
    }
  }

  private void complete(String task, Outcome o) {
    CompletableFuture<Integer> f = waiting.remove(task);
    onStart.remove(task);
    if (f == null) {
      return;
    }
    if (o.exitCode() != null) {
      f.complete(o.exitCode());
    } else {
      f.completeExceptionally(new IllegalStateException(o.failure()));
    }
  }

  private void write(String text) {
    if (text.isEmpty()) {
      return;
    }
    ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    try {
      while (b.hasRemaining()) {
        inbox.write(b);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the pilot inbox " + dir.resolve("inbox") + ": " + e.getMessage(), e);
    }
  }

  /** Tails the events: every millisecond while a task is outstanding, every 20 ms otherwise. */
  private void tailLoop() {
    while (!closed) {
      poll();
      try {
        Thread.sleep(unfinished() > 0 ? 1 : 20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    tail.interrupt();
    synchronized (this) {
      inbox.close();
      events.close();
    }
  }
}
