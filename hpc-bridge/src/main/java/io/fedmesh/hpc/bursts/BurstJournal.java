package io.fedmesh.hpc.bursts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedmesh.common.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the bridge knows about each task of one burst, in {@code tasks.json} beside the burst's
 * request, rewritten atomically on every change: about to be submitted, submitted as job X, ended
 * with exit code N. A restarted bridge reads it to follow jobs instead of submitting them again.
 */
final class BurstJournal {
  /** One task: {@code submitting} is set before sbatch runs, {@code jobId} once it answered. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Entry(boolean submitting, String jobId, Integer exitCode, String message) {
    boolean finished() {
      return exitCode != null;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Map<String, Entry> tasks;
  private boolean closed;

  private BurstJournal(Path file, Map<String, Entry> tasks) {
    this.file = file;
    this.tasks = tasks;
  }

  /** The journal in {@code burstDir}, empty when the burst never started a task. */
  static BurstJournal open(Path burstDir) {
    Path file = burstDir.resolve("tasks.json");
    if (!Files.exists(file)) {
      return new BurstJournal(file, new TreeMap<>());
    }
    try {
      return new BurstJournal(file, new TreeMap<>(JSON.readValue(file.toFile(), new TypeReference<Map<String, Entry>>() { })));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the task journal " + file + ": " + e.getMessage(), e);
    }
  }

  synchronized Optional<Entry> get(String task) {
    return Optional.ofNullable(tasks.get(task));
  }

  synchronized void submitting(String task) {
    put(task, new Entry(true, null, null, null));
  }

  synchronized void submitted(String task, String jobId) {
    put(task, new Entry(false, jobId, null, null));
  }

  synchronized void finished(String task, int exitCode, String message) {
    Entry e = tasks.get(task);
    put(task, new Entry(false, e == null ? null : e.jobId(), exitCode, message));
  }

  /** Stops writing: a bridge that shuts down leaves the journal as it was for its successor. */
  synchronized void close() {
    closed = true;
  }

  private void put(String task, Entry e) {
    if (closed) {
      return;
    }
    tasks.put(task, e);
    try {
      AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tasks));
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write the task journal " + file + ": " + ex.getMessage(), ex);
    }
  }
}
