package io.fedmesh.hpc.bursts;

import io.fedmesh.hpc.engine.TaskLauncher;
import io.fedmesh.hpc.engine.TaskNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a burst's journal in front of its launcher, so that no task is ever submitted twice: a task
 * the journal saw end is answered from the journal; one with a job id is followed (reattached); one
 * whose submission was under way when the bridge stopped is looked up by its job name first. Only a
 * task the journal has never seen is submitted, after the intent is written down.
 */
final class JournaledLauncher implements TaskLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(JournaledLauncher.class);

  private final TaskLauncher delegate;
  private final BurstJournal journal;
  private final Events burst;
  private final AtomicInteger submitted = new AtomicInteger();
  private final AtomicInteger reattached = new AtomicInteger();

  /** @param burst hears each task's job id when it becomes known, and when the task runs */
  JournaledLauncher(TaskLauncher delegate, BurstJournal journal, Events burst) {
    this.delegate = delegate;
    this.journal = journal;
    this.burst = burst;
  }

  /**
   * Tasks the journal knows are followed one by one; the fresh ones go to the backend together
   * (one job array on Slurm), each written down as being submitted first.
   */
  @Override
  public List<CompletableFuture<Integer>> launchAll(List<TaskNode> tasks, Events ignored) {
    List<CompletableFuture<Integer>> result = new ArrayList<>();
    List<TaskNode> fresh = new ArrayList<>();
    List<Integer> freshAt = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      TaskNode t = tasks.get(i);
      result.add(null);
      if (journal.get(t.name()).isPresent()) {
        result.set(i, launch(t));
      } else {
        fresh.add(t);
        freshAt.add(i);
      }
    }
    if (!fresh.isEmpty()) {
      List<CompletableFuture<Integer>> f = submit(fresh);
      for (int k = 0; k < fresh.size(); k++) {
        result.set(freshAt.get(k), f.get(k));
      }
    }
    return result;
  }

  @Override
  public CompletableFuture<Integer> launch(TaskNode task) {
    Optional<BurstJournal.Entry> known = journal.get(task.name());
    if (known.isPresent() && known.get().finished()) {
      BurstJournal.Entry e = known.get();
      if (e.jobId() != null) {
        burst.submitted(task, e.jobId());
      }
      reattached.incrementAndGet();
      return e.exitCode() == -1 && e.message() != null
          ? CompletableFuture.failedFuture(new IllegalStateException(e.message()))
          : CompletableFuture.completedFuture(e.exitCode());
    }
    String jobId = known.map(BurstJournal.Entry::jobId).orElse(null);
    if (jobId == null && known.isPresent() && known.get().submitting()) {
      jobId = delegate.findSubmitted(task).orElse(null);
      if (jobId != null) {
        LOG.info("task {}: found job {} submitted before the bridge stopped", task.name(), jobId);
        journal.submitted(task.name(), jobId);
      }
    }
    if (jobId != null) {
      burst.submitted(task, jobId);
      Optional<CompletableFuture<Integer>> followed = delegate.reattach(task, jobId, burst);
      if (followed.isPresent()) {
        LOG.info("task {}: reattached to job {}", task.name(), jobId);
        reattached.incrementAndGet();
        return record(task, followed.get());
      }
      return record(task, CompletableFuture.failedFuture(new IllegalStateException("job " + jobId
          + " was started by an earlier bridge process and this backend cannot follow it")));
    }
    return submit(List.of(task)).get(0);
  }

  /** Writes the intent down, then submits (together: one job array on Slurm), journaling each job id. */
  private List<CompletableFuture<Integer>> submit(List<TaskNode> fresh) {
    journal.submitting(fresh.stream().map(TaskNode::name).toList(), !delegate.recognisesResubmits());
    submitted.addAndGet(fresh.size());
    List<CompletableFuture<Integer>> f = delegate.launchAll(fresh, new Events() {
      @Override
      public void submitted(TaskNode t, String id) {
        journal.submitted(t.name(), id);
        burst.submitted(t, id);
      }

      @Override
      public void running(TaskNode t) {
        burst.running(t);
      }
    });
    List<CompletableFuture<Integer>> recorded = new ArrayList<>();
    for (int k = 0; k < fresh.size(); k++) {
      recorded.add(record(fresh.get(k), f.get(k)));
    }
    return recorded;
  }

  private CompletableFuture<Integer> record(TaskNode task, CompletableFuture<Integer> exit) {
    return exit.whenComplete((code, error) -> {
      if (error == null) {
        journal.finished(task.name(), code, null);
      } else {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        journal.finished(task.name(), -1, cause.getMessage());
      }
    });
  }

  @Override
  public int cancelAll() {
    return delegate.cancelAll();
  }

  @Override
  public boolean recognisesResubmits() {
    return delegate.recognisesResubmits();
  }

  @Override
  public void burstEnded() {
    delegate.burstEnded();
  }

  /** Tasks this bridge process submitted. */
  int submitted() {
    return submitted.get();
  }

  /** Tasks answered from the journal or followed after a restart. */
  int reattached() {
    return reattached.get();
  }
}
