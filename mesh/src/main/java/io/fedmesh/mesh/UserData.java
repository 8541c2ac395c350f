package io.fedmesh.mesh;

import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.DatasetException;
import io.fedmesh.common.data.Datasets;
import io.fedmesh.common.model.TaskKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The user's --data directory: per site {@code site-<i>.csv} or a {@code site-<i>/} folder (IDX
 * files or an image folder), numbered from 0 without gaps, and {@code test.csv} or {@code test/}
 * beside them. Every site and the test set are read and checked (same columns or sample shape)
 * before anything starts. CSV files are copied to the directory their agent reads; a site folder
 * is read by its agent where it is.
 */
final class UserData {
  private static final Pattern SITE = Pattern.compile("site-(0|[1-9][0-9]{0,5})(\\.csv)?");

  private UserData() {}

  static MeshData read(Path dir, Integer sites, TaskKind task, Path out, String labelColumn) throws IOException, DatasetException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--data " + dir + " is not a directory");
    }
    Path test = testSet(dir);
    TreeMap<Integer, Path> found = siteEntries(dir);
    int n = sites == null ? found.size() : sites;
    if (n > found.size()) {
      throw new IllegalArgumentException("--sites " + n + " but " + dir.resolve("site-" + found.size()) + ".csv (or "
          + "site-" + found.size() + "/) is missing (found " + found.size() + " sites)");
    }
    Dataset testData = Datasets.read(test, null, labelColumn, task);
    List<Path> dirs = new ArrayList<>();
    List<Integer> samples = new ArrayList<>();
    int classes = testData.classes();
    for (int i = 0; i < n; i++) {
      Path src = found.get(i);
      Dataset d = Datasets.read(src, null, labelColumn, task);
      requireSameShape(src, d, test, testData);
      classes = Math.max(classes, d.classes());
      dirs.add(Files.isDirectory(src) ? src.toAbsolutePath() : MeshData.copyCsv(src, out, i));
      samples.add(d.rows());
    }
    if (task == TaskKind.CLASSIFICATION && classes < 2) {
      throw new IllegalArgumentException("--data " + dir + ": classification needs at least 2 classes in the labels; "
          + "use --task regression for numeric targets");
    }
    return new MeshData(dirs, test.toAbsolutePath(), testData.features(), classes, task, samples, testData.sampleShape());
  }

  private static Path testSet(Path dir) {
    Path csv = dir.resolve("test.csv");
    Path folder = dir.resolve("test");
    boolean hasCsv = Files.isRegularFile(csv);
    boolean hasFolder = Files.isDirectory(folder);
    if (hasCsv && hasFolder) {
      throw new IllegalArgumentException("--data " + dir + " has both test.csv and test/: keep one held-out set");
    }
    if (!hasCsv && !hasFolder) {
      throw new IllegalArgumentException("--data " + dir + " has no test.csv: add a held-out set (same columns as the site"
          + " files), or a test/ folder (IDX files or an image folder) beside site folders");
    }
    return hasCsv ? csv : folder;
  }

  /** site-<i>.csv files and site-<i>/ folders by index; two for one index, or a gap in the numbering, is an error. */
  private static TreeMap<Integer, Path> siteEntries(Path dir) throws IOException {
    TreeMap<Integer, Path> found = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.sorted().toList()) {
        Matcher m = SITE.matcher(p.getFileName().toString());
        boolean csv = m.matches() && m.group(2) != null;
        if (!m.matches() || (csv ? !Files.isRegularFile(p) : !Files.isDirectory(p))) {
          continue;
        }
        Path other = found.put(Integer.parseInt(m.group(1)), p);
        if (other != null) {
          throw new IllegalArgumentException("--data " + dir + " has both " + shown(other) + " and " + shown(p)
              + " for one site: keep one");
        }
      }
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException("--data " + dir + " has no site-0.csv: name the site files site-0.csv, site-1.csv, ..."
          + " (or folders site-0/, site-1/, ... of IDX files or class subfolders of images)");
    }
    for (int i = 0; i <= found.lastKey(); i++) {
      if (!found.containsKey(i)) {
        throw new IllegalArgumentException("--data " + dir + " has sites up to site-" + found.lastKey() + " but no site-" + i
            + ".csv or site-" + i + "/: sites are numbered from 0 without gaps; add site-" + i + " or renumber the others");
      }
    }
    return found;
  }

  private static String shown(Path entry) {
    return entry.getFileName() + (Files.isDirectory(entry) ? "/" : "");
  }

  private static void requireSameShape(Path src, Dataset d, Path test, Dataset testData) {
    boolean tabular = !d.featureNames().isEmpty() && !testData.featureNames().isEmpty();
    if (tabular && !d.featureNames().equals(testData.featureNames())) {
      throw new IllegalArgumentException(src + " has feature columns " + d.featureNames() + " but " + test.getFileName()
          + " has " + testData.featureNames() + ": every file needs the same columns");
    }
    if (!d.sampleShape().equals(testData.sampleShape())) {
      throw new IllegalArgumentException(src + " holds samples of shape " + d.sampleShape() + " but " + test.getFileName()
          + " holds " + testData.sampleShape() + ": every site and the test set need the same shape");
    }
  }
}
