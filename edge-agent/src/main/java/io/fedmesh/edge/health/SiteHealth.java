package io.fedmesh.edge.health;

import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.DatasetException;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.edge.data.DataDirectory;
import io.fedmesh.proto.federation.v1.SiteState;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site's state as heartbeats report it: Ready, Training, or Degraded with the reason while the
 * local data cannot be used (unreadable, or not the shape of the last model assigned).
 */
public final class SiteHealth {
  private static final Logger LOG = LoggerFactory.getLogger(SiteHealth.class);

  /** Loads the data of one assignment; throws when it cannot be read. */
  @FunctionalInterface
  public interface Source {
    Dataset load() throws DatasetException;
  }

  private final String site;
  private final Path dataDir;
  private final DataDirectory data;
  /** A simulation learner's data arrives with each assignment: its empty directory is expected. */
  private final boolean dataArrivesWithAssignments;
  private volatile SiteState state = SiteState.SITE_STATE_READY;
  private volatile String problem = "";
  private volatile ModelDescription lastSpec;
  private volatile Dataset census;

  public SiteHealth(String site, Path dataDir, DataDirectory data, boolean dataArrivesWithAssignments) {
    this.site = site;
    this.dataDir = dataDir;
    this.data = data;
    this.dataArrivesWithAssignments = dataArrivesWithAssignments;
  }

  public SiteState state() {
    return state;
  }

  public String problem() {
    return problem;
  }

  /** The local data as last read (what the site advertises), or null before the first good read. */
  public Dataset census() {
    return census;
  }

  /** The format of the local data (csv, idx, imageFolder), as the site reports it. */
  public io.fedmesh.common.data.DatasetFormat censusFormat() {
    return data.format();
  }

  /** Re-reads the data directory (only when it changed); Degraded while it cannot be used. */
  public void refresh() {
    if (dataArrivesWithAssignments) {
      return;
    }
    try {
      Dataset d = loadCensus();
      census = d;
      String mismatch = lastSpec == null ? null : mismatch(lastSpec, d);
      if (mismatch != null) {
        degrade(mismatch);
      } else if (state == SiteState.SITE_STATE_DEGRADED) {
        LOG.info("site {}: data is usable again; Ready", site);
        state = SiteState.SITE_STATE_READY;
        problem = "";
      }
    } catch (DatasetException e) {
      degrade(e.getMessage());
    }
  }

  /**
   * The data an assignment of {@code spec} trains on, or null (and Degraded) when it cannot be read
   * or does not fit the model. The spec is remembered: later refreshes check the data against it.
   */
  public Dataset usableFor(ModelDescription spec, Source source) {
    lastSpec = spec;
    Dataset d;
    try {
      d = source.load();
    } catch (DatasetException e) {
      degrade(e.getMessage());
      return null;
    }
    String mismatch = mismatch(spec, d);
    if (mismatch != null) {
      degrade(mismatch);
      return null;
    }
    return d;
  }

  public void trainingStarted() {
    state = SiteState.SITE_STATE_TRAINING;
  }

  /** Back to Ready after training; a Degraded state that arose meanwhile stays. */
  public void trainingEnded() {
    if (state == SiteState.SITE_STATE_TRAINING) {
      state = SiteState.SITE_STATE_READY;
    }
  }

  private Dataset loadCensus() throws DatasetException {
    ModelDescription spec = lastSpec;
    if (spec != null) {
      return data.load(spec.task());
    }
    // no model assigned yet: the labels may be classes or values
    try {
      return data.load(TaskKind.CLASSIFICATION);
    } catch (DatasetException classification) {
      return data.load(TaskKind.REGRESSION);
    }
  }

  private String mismatch(ModelDescription spec, Dataset d) {
    if (d.features() != spec.inputWidth()) {
      String has = d.featureNames().isEmpty() ? "samples of shape " + d.sampleShape() + " (" + d.features() + " values)"
          : d.features() + " feature columns " + d.featureNames();
      return dataDir + ": the data has " + has + " but the model expects " + spec.inputWidth()
          + " (DistributedModel spec.inputShape); fix the data files or the model";
    }
    if (spec.task() == TaskKind.CLASSIFICATION && d.classes() > spec.outputs()) {
      return dataDir + ": the data has class labels up to " + (d.classes() - 1) + " but the model has "
          + spec.outputs() + " classes (DistributedModel spec.outputShape)";
    }
    return null;
  }

  private void degrade(String message) {
    if (state != SiteState.SITE_STATE_DEGRADED || !message.equals(problem)) {
      LOG.error("site {}: Degraded: {}", site, message);
    }
    problem = message;
    state = SiteState.SITE_STATE_DEGRADED;
  }
}
