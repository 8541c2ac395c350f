package io.fedmesh.mesh;

import io.fedmesh.common.data.CsvDatasetReader;
import io.fedmesh.common.data.CsvDatasetWriter;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.DatasetException;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.mesh.data.PlumeData;
import io.fedmesh.mesh.data.SyntheticData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The data of a local mesh run: one directory per site (what that site's agent reads) and a
 * held-out test.csv for the operator, either generated or taken from the user's directory.
 */
public record MeshData(List<Path> siteDirs, Path testCsv, int features, int classes, TaskKind task, List<Integer> samples) {

  /** Generated non-IID blobs (see {@link SyntheticData}). */
  public static MeshData builtIn(Path out, int sites, int samplesPerSite, long seed) throws IOException {
    SyntheticData gen = new SyntheticData(SyntheticData.FEATURES, SyntheticData.CLASSES, seed);
    List<Dataset> parts = gen.sites(sites, samplesPerSite, SyntheticData.ALPHA);
    List<Path> dirs = new ArrayList<>();
    List<Integer> samples = new ArrayList<>();
    for (int i = 0; i < sites; i++) {
      Path dir = out.resolve("site-" + i);
      CsvDatasetWriter.write(dir.resolve("site-" + i + ".csv"), parts.get(i), "label");
      dirs.add(dir);
      samples.add(parts.get(i).rows());
    }
    Path test = out.resolve("test.csv");
    CsvDatasetWriter.write(test, gen.balanced(2000, "test.csv"), "label");
    return new MeshData(dirs, test, SyntheticData.FEATURES, SyntheticData.CLASSES, TaskKind.CLASSIFICATION, samples);
  }

  /** The plume problem: sensor readings of the reference simulation (see {@link PlumeData}). */
  public static MeshData plume(Path out, int sites, int samplesPerSite, long seed) throws IOException {
    PlumeData gen = new PlumeData(seed);
    List<Path> dirs = new ArrayList<>();
    List<Integer> samples = new ArrayList<>();
    int features = 0;
    for (int i = 0; i < sites; i++) {
      Path dir = out.resolve("site-" + i);
      Dataset d = gen.site(i, sites, samplesPerSite, "site-" + i + ".csv");
      CsvDatasetWriter.write(dir.resolve("site-" + i + ".csv"), d, "label");
      dirs.add(dir);
      samples.add(d.rows());
      features = d.features();
    }
    Path test = out.resolve("test.csv");
    CsvDatasetWriter.write(test, gen.test(2000, "test.csv"), "label");
    return new MeshData(dirs, test, features, 0, TaskKind.REGRESSION, samples);
  }

  /**
   * The user's data: {@code dir/site-<i>.csv} for each site and {@code dir/test.csv}. Input width
   * and classes are inferred from the files; every file is checked before anything starts.
   *
   * @param sites null to use every site file found
   */
  public static MeshData fromDirectory(Path dir, Integer sites, TaskKind task, Path out) throws IOException, DatasetException {
    return fromDirectory(dir, sites, task, out, "label");
  }

  /** @param labelColumn the column that holds the label (--label-column) */
  public static MeshData fromDirectory(Path dir, Integer sites, TaskKind task, Path out, String labelColumn)
      throws IOException, DatasetException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--data " + dir + " is not a directory");
    }
    Path test = dir.resolve("test.csv");
    if (!Files.isRegularFile(test)) {
      throw new IllegalArgumentException("--data " + dir + " has no test.csv: add a held-out set (same columns as the site files)");
    }
    int found = 0;
    while (Files.isRegularFile(dir.resolve("site-" + found + ".csv"))) {
      found++;
    }
    if (found == 0) {
      throw new IllegalArgumentException("--data " + dir + " has no site-0.csv: name the site files site-0.csv, site-1.csv, ...");
    }
    int n = sites == null ? found : sites;
    if (n > found) {
      throw new IllegalArgumentException("--sites " + n + " but " + dir.resolve("site-" + found + ".csv") + " is missing (found "
          + found + " site files)");
    }
    Dataset testData = CsvDatasetReader.read(test, labelColumn, task);
    List<Path> dirs = new ArrayList<>();
    List<Integer> samples = new ArrayList<>();
    int classes = testData.classes();
    for (int i = 0; i < n; i++) {
      Path src = dir.resolve("site-" + i + ".csv");
      Dataset d = CsvDatasetReader.read(src, labelColumn, task);
      if (!d.featureNames().equals(testData.featureNames())) {
        throw new IllegalArgumentException(src + " has feature columns " + d.featureNames() + " but test.csv has "
            + testData.featureNames() + ": every file needs the same columns");
      }
      classes = Math.max(classes, d.classes());
      Path siteDir = out.resolve("site-" + i);
      Files.createDirectories(siteDir);
      Files.copy(src, siteDir.resolve("site-" + i + ".csv"), StandardCopyOption.REPLACE_EXISTING);
      dirs.add(siteDir);
      samples.add(d.rows());
    }
    if (task == TaskKind.CLASSIFICATION && classes < 2) {
      throw new IllegalArgumentException("--data " + dir + ": classification needs at least 2 classes in the label column; "
          + "use --task regression for numeric targets");
    }
    return new MeshData(dirs, test.toAbsolutePath(), testData.features(), classes, task, samples);
  }
}
