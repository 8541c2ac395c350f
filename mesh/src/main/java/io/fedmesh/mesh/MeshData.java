package io.fedmesh.mesh;

import io.fedmesh.common.data.CsvDatasetWriter;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.DatasetException;
import io.fedmesh.common.data.IdxReader;
import io.fedmesh.common.data.IdxWriter;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.mesh.data.DirichletSplit;
import io.fedmesh.mesh.data.FashionMnistLocator;
import io.fedmesh.mesh.data.PlumeData;
import io.fedmesh.mesh.data.SyntheticData;
import io.fedmesh.mesh.data.UciDigits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The data of a local mesh run: one directory per site (what that site's agent reads) and a
 * held-out test set for the operator (a CSV file, or a directory of IDX files or an image folder),
 * either generated or taken from the user's directory.
 *
 * @param testSet the held-out set: a CSV file or a directory
 * @param sampleShape the shape of one sample: {@code [features]} for CSV, {@code [1, 28, 28]} for Fashion-MNIST
 */
public record MeshData(List<Path> siteDirs, Path testSet, int features, int classes, TaskKind task, List<Integer> samples,
    List<Integer> sampleShape) {

  public MeshData {
    siteDirs = List.copyOf(siteDirs);
    samples = List.copyOf(samples);
    sampleShape = List.copyOf(sampleShape);
  }

  /** Tabular data: a sample is a vector of {@code features} values. */
  public MeshData(List<Path> siteDirs, Path testSet, int features, int classes, TaskKind task, List<Integer> samples) {
    this(siteDirs, testSet, features, classes, task, samples, List.of(features));
  }

  /** The test set's path (a CSV file for the built-in tabular problems; it may be a directory, see {@link #testSet}). */
  public Path testCsv() {
    return testSet;
  }

  /** Generated non-IID blobs (see {@link SyntheticData}). */
  public static MeshData builtIn(Path out, int sites, int samplesPerSite, long seed) throws IOException {
    return builtIn(out, sites, samplesPerSite, seed, SyntheticData.ALPHA);
  }

  /** Generated blobs whose per-site class mix is drawn from Dirichlet({@code alpha}). */
  public static MeshData builtIn(Path out, int sites, int samplesPerSite, long seed, double alpha) throws IOException {
    SyntheticData gen = new SyntheticData(SyntheticData.FEATURES, SyntheticData.CLASSES, seed);
    List<Dataset> parts = gen.sites(sites, samplesPerSite, alpha);
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

  /** Test rows of the digits: a fifth, as sklearn's examples hold out. */
  static final int DIGITS_TEST_ROWS = 360;

  /**
   * The UCI digits of Debian's python3-sklearn ({@link UciDigits}): shuffled by {@code seed}, 360
   * rows held out as {@code test.csv}, the other 1,437 split over the sites by a Dirichlet(alpha)
   * label distribution, each site's part a CSV file.
   */
  public static MeshData digits(Path out, int sites, double alpha, long seed, Path file) throws IOException {
    List<float[]> rows = new ArrayList<>(UciDigits.rows(UciDigits.locate(file)));
    java.util.Collections.shuffle(rows, new java.util.Random(seed));
    Dataset train = UciDigits.dataset(rows.subList(DIGITS_TEST_ROWS, rows.size()), file);
    int[] labels = new int[train.rows()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (int) train.y()[i];
    }
    int[][] parts = new DirichletSplit(alpha, seed).split(labels, UciDigits.CLASSES, sites);
    List<Path> dirs = new ArrayList<>();
    List<Integer> samples = new ArrayList<>();
    for (int i = 0; i < sites; i++) {
      Path dir = out.resolve("site-" + i);
      CsvDatasetWriter.write(dir.resolve("site-" + i + ".csv"), train.select(dir, parts[i]), "label");
      dirs.add(dir);
      samples.add(parts[i].length);
    }
    Path test = out.resolve("test.csv");
    CsvDatasetWriter.write(test, UciDigits.dataset(rows.subList(0, DIGITS_TEST_ROWS), file), "label");
    return new MeshData(dirs, test, UciDigits.FEATURES, UciDigits.CLASSES, TaskKind.CLASSIFICATION, samples);
  }

  /**
   * Fashion-MNIST from Debian's package (installed when missing and possible, see {@link
   * FashionMnistLocator}): the 60,000 training images split over the sites by a Dirichlet(alpha)
   * label distribution, each site's part written as gzip IDX under {@code out/site-<i>/}; the
   * 10,000 t10k images are the test set ({@code out/test/}).
   */
  public static MeshData fashionMnist(Path out, int sites, double alpha, long seed)
      throws IOException, DatasetException, InterruptedException {
    return fashionMnist(out, sites, alpha, seed, new FashionMnistLocator().locateOrInstall(System.out));
  }

  /** As {@link #fashionMnist(Path, int, double, long)}, from the files at {@code files}. */
  public static MeshData fashionMnist(Path out, int sites, double alpha, long seed, FashionMnistLocator.Location files)
      throws IOException, DatasetException {
    Dataset train = IdxReader.read(files.trainImages(), files.trainLabels());
    Dataset test = IdxReader.read(files.testImages(), files.testLabels());
    if (!test.sampleShape().equals(train.sampleShape())) {
      throw new DatasetException(files.testImages(), 0, null, "holds images of shape " + test.sampleShape() + " but "
          + files.trainImages() + " holds " + train.sampleShape());
    }
    int[] labels = new int[train.rows()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (int) train.y()[i];
    }
    int classes = Math.max(train.classes(), test.classes());
    int[][] parts = new DirichletSplit(alpha, seed).split(labels, classes, sites);
    List<Path> dirs = new ArrayList<>();
    List<Integer> samples = new ArrayList<>();
    for (int i = 0; i < sites; i++) {
      Path dir = out.resolve("site-" + i);
      IdxWriter.write(dir, "site-" + i, train.select(dir, parts[i]));
      dirs.add(dir);
      samples.add(parts[i].length);
    }
    Path testDir = Files.createDirectories(out.resolve("test"));
    // the Debian files as they are: the test set is all 10,000, unchanged
    Files.copy(files.testImages(), testDir.resolve("test-images-idx3-ubyte.gz"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(files.testLabels(), testDir.resolve("test-labels-idx1-ubyte.gz"), StandardCopyOption.REPLACE_EXISTING);
    return new MeshData(dirs, testDir, train.features(), classes, TaskKind.CLASSIFICATION, samples, train.sampleShape());
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

  /**
   * The user's data: per site {@code site-<i>.csv} or a {@code site-<i>/} folder (IDX files or an
   * image folder), and {@code test.csv} or {@code test/} beside them (see {@link UserData}).
   *
   * @param labelColumn the column that holds the label of CSV files (--label-column)
   */
  public static MeshData fromDirectory(Path dir, Integer sites, TaskKind task, Path out, String labelColumn)
      throws IOException, DatasetException {
    return UserData.read(dir, sites, task, out, labelColumn);
  }

  /** Copies a user's site CSV into the directory its agent reads. */
  static Path copyCsv(Path src, Path out, int site) throws IOException {
    Path siteDir = Files.createDirectories(out.resolve("site-" + site));
    Files.copy(src, siteDir.resolve("site-" + site + ".csv"), StandardCopyOption.REPLACE_EXISTING);
    return siteDir;
  }
}
