package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelStatus;
import io.fedmesh.operator.status.StatusRecorder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends the versions trainings produce to their DistributedModel's status from one thread, off
 * the reconcile path: many trainings of one model closing rounds at once cost one write per
 * model, not one each in a queue of reconciles. Writes go through the kind's StatusRecorder, so the
 * model reconciler's fields stay.
 */
final class ModelVersionWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelVersionWriter.class);

  /** One version for model {@code namespace/name}, with the parameter count to record. */
  record Version(String namespace, String model, DistributedModelStatus.ModelVersion version, long parameters) {}

  private final StatusRecorder<DistributedModelStatus, DistributedModel> models;
  /** Versions not written yet, by namespace/model (guarded by itself). */
  private final Map<String, List<Version>> pending = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean closed;

  ModelVersionWriter(StatusRecorder<DistributedModelStatus, DistributedModel> models) {
    this.models = models;
    this.thread = new Thread(this::run, "fedmesh-model-versions");
    thread.setDaemon(true);
    thread.start();
  }

  void add(Version v) {
    synchronized (pending) {
      pending.computeIfAbsent(v.namespace() + "/" + v.model(), k -> new ArrayList<>()).add(v);
      pending.notifyAll();
    }
  }

  /** Versions waiting to be written (the benchmark waits for 0). */
  int backlog() {
    synchronized (pending) {
      return pending.values().stream().mapToInt(List::size).sum();
    }
  }

  private void run() {
    while (!closed) {
      List<Version> batch;
      synchronized (pending) {
        while (pending.isEmpty() && !closed) {
          try {
            pending.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
        var first = pending.entrySet().iterator().next();
        batch = first.getValue();
        pending.remove(first.getKey());
      }
      try {
        write(batch);
      } catch (RuntimeException e) {
        LOG.warn("{}/{}: model versions not written: {}", batch.get(0).namespace(), batch.get(0).model(), e.getMessage());
      }
    }
  }

  private void write(List<Version> batch) {
    Version last = batch.get(batch.size() - 1);
    models.update(last.namespace(), last.model(), st -> {
      List<DistributedModelStatus.ModelVersion> versions = new ArrayList<>(st.versions == null ? List.of() : st.versions);
      for (Version v : batch) {
        versions.removeIf(x -> v.version().version.equals(x.version));
        versions.add(v.version());
      }
      while (versions.size() > DistributedModelStatus.MAX_HISTORY) {
        versions.remove(0);
      }
      st.versions = versions;
      st.latestVersion = last.version().version;
      st.latestMetric = last.version().value;
      st.parameters = last.parameters();
      return st;
    });
  }

  @Override
  public void close() {
    closed = true;
    synchronized (pending) {
      pending.notifyAll();
    }
  }
}
