package io.fedmesh.edge.data;

import io.fedmesh.common.data.CsvDatasetReader;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.DatasetException;
import io.fedmesh.common.io.AtomicFiles;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.edge.client.CoordinatorClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulation learner's samples, one version at a time: {@code <data>/simulation-<version>.csv},
 * fetched from the coordinator when missing and written atomically; older versions are removed.
 */
public final class SimulationDataCache {
  private static final Logger LOG = LoggerFactory.getLogger(SimulationDataCache.class);

  private final CoordinatorClient client;
  private final Path dir;
  private final String site;

  public SimulationDataCache(CoordinatorClient client, Path dir, String site) {
    this.client = client;
    this.dir = dir;
    this.site = site;
  }

  /** The samples of {@code version} of a training, read with {@code labelColumn} as {@code task}. */
  public Dataset load(String training, String version, String labelColumn, TaskKind task) throws DatasetException {
    Path file = dir.resolve("simulation-" + version.replaceAll("[^A-Za-z0-9_.-]", "_") + ".csv");
    if (!Files.exists(file)) {
      byte[] csv = client.fetchSimulationData(training, version, site);
      AtomicFiles.write(file, csv);
      LOG.info("site {}: fetched simulation data {} of {} ({} bytes)", site, version, training, csv.length);
      removeAllBut(file);
    }
    return CsvDatasetReader.read(file, labelColumn, task);
  }

  private void removeAllBut(Path keep) {
    try (Stream<Path> old = Files.list(dir)) {
      for (Path p : old.filter(p -> p.getFileName().toString().startsWith("simulation-") && !p.equals(keep)).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("site {}: could not remove older simulation data: {}", site, e.getMessage());
    }
  }
}
