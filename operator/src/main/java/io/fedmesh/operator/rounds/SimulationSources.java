package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.SimulationBurst;
import io.fedmesh.api.v1alpha1.SimulationBurstStatus;
import io.fedmesh.common.codec.Digests;
import io.fedmesh.common.data.CsvDatasetReader;
import io.fedmesh.common.data.CsvJoiner;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.DatasetException;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.operator.coordinator.SimulationData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers the samples of the SimulationBursts a training draws on (spec.simulationDataFrom and
 * the bursts its adaptive simulation requested) once they have ended with data: their CSVs joined,
 * header once. A burst whose columns differ from the first one's is left out with a warning.
 */
final class SimulationSources {
  private static final Logger LOG = LoggerFactory.getLogger(SimulationSources.class);

  /** SimulationBursts by namespace/name, from the informer cache. */
  private final java.util.function.Function<String, Optional<SimulationBurst>> bursts;
  private final String namespace;

  SimulationSources(java.util.function.Function<String, Optional<SimulationBurst>> bursts, String namespace) {
    this.bursts = bursts;
    this.namespace = namespace;
  }

  /** What the last collect read, and from which burst states: files are read again only when those change. */
  private List<String> lastInputs = List.of();
  private Optional<SimulationData.Published> last = Optional.empty();

  /**
   * The named bursts a bridge accepted that have not ended yet (their samples are still to come).
   * A burst still Pending (its cluster unreachable, say) is not waited for.
   */
  List<String> unfinished(List<String> names) {
    List<String> out = new ArrayList<>();
    for (String name : new LinkedHashSet<>(names)) {
      SimulationBurst b = bursts.apply(namespace + "/" + name).orElse(null);
      SimulationBurstStatus.Phase phase = b == null || b.getStatus() == null ? null : b.getStatus().phase;
      if (phase == SimulationBurstStatus.Phase.Submitted || phase == SimulationBurstStatus.Phase.Running) {
        out.add(name);
      }
    }
    return out;
  }

  /** The joined data of every named burst that has produced samples; empty when none has yet. */
  Optional<SimulationData.Published> collect(List<String> names) {
    List<SimulationBurst> ready = new ArrayList<>();
    List<String> inputs = new ArrayList<>();
    for (String name : new LinkedHashSet<>(names)) {
      SimulationBurst b = bursts.apply(namespace + "/" + name).orElse(null);
      SimulationBurstStatus st = b == null ? null : b.getStatus();
      if (st == null || st.datasetPath == null || st.producedSamples == null || st.producedSamples == 0
          || (st.phase != SimulationBurstStatus.Phase.Succeeded && st.phase != SimulationBurstStatus.Phase.Failed)) {
        continue; // not there yet, or produced nothing
      }
      ready.add(b);
      inputs.add(name + "|" + st.datasetPath + "|" + st.producedSamples);
    }
    if (!inputs.equals(lastInputs)) {
      last = join(ready);
      lastInputs = inputs;
    }
    return last;
  }

  /**
   * The samples of the named bursts that ended with data, as one regression data set (for the
   * acquisition's scores); a burst whose file is unreadable or whose columns differ is skipped.
   */
  Optional<Dataset> samples(List<String> names, String labelColumn) {
    List<Dataset> parts = new ArrayList<>();
    for (String name : new LinkedHashSet<>(names)) {
      SimulationBurst b = bursts.apply(namespace + "/" + name).orElse(null);
      SimulationBurstStatus st = b == null ? null : b.getStatus();
      if (st == null || st.datasetPath == null || st.producedSamples == null || st.producedSamples == 0) {
        continue;
      }
      try {
        Dataset d = CsvDatasetReader.read(Path.of(st.datasetPath), labelColumn, TaskKind.REGRESSION);
        if (parts.isEmpty() || parts.get(0).featureNames().equals(d.featureNames())) {
          parts.add(d);
        }
      } catch (DatasetException e) {
        LOG.warn("{}/{}: its samples at {} cannot be scored: {}", namespace, name, st.datasetPath, e.getMessage());
      }
    }
    return parts.isEmpty() ? Optional.empty() : Optional.of(CsvDatasetReader.concat(parts.get(0).source(), parts));
  }

  private Optional<SimulationData.Published> join(List<SimulationBurst> ready) {
    CsvJoiner csv = new CsvJoiner();
    List<String> used = new ArrayList<>();
    for (SimulationBurst b : ready) {
      String name = b.getMetadata().getName();
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(b.getStatus().datasetPath));
      } catch (IOException e) {
        LOG.warn("{}/{}: cannot read its samples at {}: {}", namespace, name, b.getStatus().datasetPath, e.getMessage());
        continue;
      }
      if (lines.isEmpty()) {
        continue;
      }
      if (!csv.append(lines)) {
        LOG.warn("{}/{}: columns '{}' differ from '{}' of the first burst; left out", namespace, name, lines.get(0), csv.header());
        continue;
      }
      used.add(name);
    }
    if (csv.rows() == 0) {
      return Optional.empty();
    }
    byte[] bytes = csv.bytes();
    return Optional.of(new SimulationData.Published("sim-" + Digests.sha256Hex(bytes).substring(0, 12), bytes, csv.rows(), used));
  }
}
