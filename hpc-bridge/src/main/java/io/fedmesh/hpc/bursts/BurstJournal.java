package io.fedmesh.hpc.bursts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the bridge knows about each task of one burst, in {@code tasks.log} beside the burst's
 * request: one JSON line per change (about to be submitted, submitted as job X, ended with exit
 * code N), the last line of a task winning. A restarted bridge reads it to follow jobs instead of
 * submitting them again. Appending keeps a change O(1) (a pilot burst of 1,000 short tasks makes
 * 3,000); only the intent to submit is forced to disk before the submission (unless the launcher
recognises a resubmit itself, as a pilot does from its inbox), the rest reaches the
 * OS at once (a killed bridge loses nothing) and can be found again from the scheduler after a
 * power loss (the job by its name, its exit code by its job id). A torn last line is ignored. A
 * {@code tasks.json} of an earlier version (the whole map) is read first.
 */
final class BurstJournal {
  private static final Logger LOG = LoggerFactory.getLogger(BurstJournal.class);

  /** One task: {@code submitting} is set before sbatch runs, {@code jobId} once it answered. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Entry(boolean submitting, String jobId, Integer exitCode, String message) {
    boolean finished() {
      return exitCode != null;
    }
  }

  /** One line of the log. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Line(String task, boolean submitting, String jobId, Integer exitCode, String message) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_LINE = 64 * 1024;

  private final Path file;
  private final Map<String, Entry> tasks;
  private FileChannel channel;
  private boolean closed;

  private BurstJournal(Path file, Map<String, Entry> tasks) {
    this.file = file;
    this.tasks = tasks;
  }

  /** The journal in {@code burstDir}, empty when the burst never started a task. */
  static BurstJournal open(Path burstDir) {
    Map<String, Entry> tasks = new TreeMap<>();
    Path legacy = burstDir.resolve("tasks.json");
    Path file = burstDir.resolve("tasks.log");
    try {
      if (Files.exists(legacy)) {
        tasks.putAll(JSON.readValue(legacy.toFile(), new TypeReference<Map<String, Entry>>() { }));
      }
      if (Files.exists(file)) {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
          try {
            Line l = JSON.readValue(lines.get(i), Line.class);
            tasks.put(l.task(), new Entry(l.submitting(), l.jobId(), l.exitCode(), l.message()));
          } catch (JsonProcessingException e) {
            if (i < lines.size() - 1) {
              throw new IOException("line " + (i + 1) + " is not a journal entry: " + e.getOriginalMessage(), e);
            }
            LOG.warn("{}: ignored a torn last line (the bridge stopped while writing it)", file);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the task journal " + file + ": " + e.getMessage(), e);
    }
    return new BurstJournal(file, tasks);
  }

  synchronized Optional<Entry> get(String task) {
    return Optional.ofNullable(tasks.get(task));
  }

  /** Writes down that these tasks are about to be submitted, in one write; forced to disk when {@code durable}. */
  synchronized void submitting(List<String> names, boolean durable) {
    StringBuilder b = new StringBuilder();
    for (String task : names) {
      b.append(put(task, new Entry(true, null, null, null)));
    }
    append(b.toString(), durable);
  }

  synchronized void submitted(String task, String jobId) {
    append(put(task, new Entry(false, jobId, null, null)), false);
  }

  synchronized void finished(String task, int exitCode, String message) {
    Entry e = tasks.get(task);
    append(put(task, new Entry(false, e == null ? null : e.jobId(), exitCode, message)), false);
  }

  /** Stops writing: a bridge that shuts down leaves the journal as it was for its successor. */
  synchronized void close() {
    closed = true;
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("closing {}: {}", file, e.getMessage());
      }
    }
  }

  /** Records the entry in memory; returns its log line ("" once closed). */
  private String put(String task, Entry e) {
    if (closed) {
      return "";
    }
    tasks.put(task, e);
    try {
      String line = JSON.writeValueAsString(new Line(task, e.submitting(), e.jobId(), e.exitCode(), e.message()));
      if (line.length() > MAX_LINE) { // a scheduler's message can be long: keep its start
        line = JSON.writeValueAsString(new Line(task, e.submitting(), e.jobId(), e.exitCode(), e.message().substring(0, 1000) + "..."));
      }
      return line + "\n";
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private void append(String lines, boolean force) {
    if (closed || lines.isEmpty()) {
      return;
    }
    try {
      if (channel == null) {
        Files.createDirectories(file.getParent());
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
          dir.force(true); // the new file's directory entry, so the forced lines below can be found after a crash
        }
      }
      ByteBuffer b = ByteBuffer.wrap(lines.getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        channel.write(b);
      }
      if (force) {
        channel.force(false);
      }
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write the task journal " + file + ": " + ex.getMessage(), ex);
    }
  }
}
