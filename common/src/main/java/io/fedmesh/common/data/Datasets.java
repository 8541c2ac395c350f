package io.fedmesh.common.data;

import io.fedmesh.common.model.TaskKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one way to read a data set, whatever its format: what the agent, the local mesh and the
 * operator's test-set loading call. The format is given or detected from the path (see {@link #detect}).
 */
public final class Datasets {
  private static final Pattern IDX_IMAGES = Pattern.compile("(.*)-images-idx[34]-ubyte(\\.gz)?");
  private static final Pattern IDX_LABELS = Pattern.compile("(.*)-labels-idx1-ubyte(\\.gz)?");

  private Datasets() {}

  /**
   * Reads {@code path} as {@code format}, or as the detected format when {@code format} is null.
   * {@code labelColumn} applies to CSV only; IDX and image folders hold classification data.
   */
  public static Dataset read(Path path, DatasetFormat format, String labelColumn, TaskKind task) throws DatasetException {
    DatasetFormat f = format == null ? detect(path) : format;
    // read before refusing a regression: a broken file's own problem is the one to report
    Dataset d = switch (f) {
      case CSV -> Files.isDirectory(path) ? CsvDatasetReader.readDirectory(path, labelColumn, task)
          : CsvDatasetReader.read(path, labelColumn, task);
      case IDX -> readIdxDirectory(path);
      case IMAGE_FOLDER -> ImageFolderReader.read(path);
    };
    if (f != DatasetFormat.CSV && task == TaskKind.REGRESSION) {
      throw new DatasetException(path, 0, null, "holds " + f + " data, whose labels are class indices; use task"
          + " classification, or CSV files for regression");
    }
    return d;
  }

  /**
   * The format of {@code path}: a {@code .csv} file or a directory of {@code *.csv} is CSV; a
   * directory of {@code *-images-idx3-ubyte[.gz]} and {@code *-labels-idx1-ubyte[.gz]} files is
   * IDX; a directory of class subfolders (and no such files) is an image folder. CSV and IDX files
   * side by side, or no data at all, is an error naming what the directory holds.
   */
  public static DatasetFormat detect(Path path) throws DatasetException {
    if (Files.isRegularFile(path)) {
      if (path.getFileName().toString().endsWith(".csv")) {
        return DatasetFormat.CSV;
      }
      throw new DatasetException(path, 0, null, "is neither a .csv file nor a directory; give a CSV file, a directory of IDX"
          + " files (*-images-idx3-ubyte[.gz] + *-labels-idx1-ubyte[.gz]) or an image folder (one subfolder per class)");
    }
    if (!Files.isDirectory(path)) {
      throw new DatasetException(path, 0, null, "does not exist");
    }
    boolean csv = false;
    boolean idx = false;
    boolean folders = false;
    try (Stream<Path> s = Files.list(path)) {
      for (Path p : s.filter(Datasets::visible).toList()) {
        String name = p.getFileName().toString();
        folders |= Files.isDirectory(p);
        csv |= name.endsWith(".csv") && Files.isRegularFile(p);
        idx |= IDX_IMAGES.matcher(name).matches() || IDX_LABELS.matcher(name).matches();
      }
    } catch (IOException e) {
      throw new DatasetException(path, 0, null, "cannot be listed: " + e.getMessage());
    }
    if (csv && idx) {
      throw new DatasetException(path, 0, null, "holds both CSV and IDX files; keep one format per directory");
    }
    // data files win over subfolders: a volume's lost+found or a notes/ folder must not turn CSV data into an image folder
    if (csv || idx) {
      return csv ? DatasetFormat.CSV : DatasetFormat.IDX;
    }
    if (folders) {
      return DatasetFormat.IMAGE_FOLDER;
    }
    throw new DatasetException(path, 0, null, "holds no data: put *.csv files, an IDX pair (*-images-idx3-ubyte[.gz] +"
        + " *-labels-idx1-ubyte[.gz]) or one subfolder of images per class in it");
  }

  /** Hidden entries and a file system's lost+found are never data. */
  static boolean visible(Path p) {
    String name = p.getFileName().toString();
    return !name.startsWith(".") && !name.equals("lost+found");
  }

  /** The IDX pairs of a directory (images and labels matched by prefix), sorted by prefix. */
  public static List<IdxWriter.Pair> idxPairs(Path dir) throws DatasetException {
    Map<String, Path> images = new LinkedHashMap<>();
    Map<String, Path> labels = new LinkedHashMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.sorted().toList()) {
        String name = p.getFileName().toString();
        Matcher im = IDX_IMAGES.matcher(name);
        Matcher lm = IDX_LABELS.matcher(name);
        if (im.matches() && images.put(im.group(1), p) != null) {
          throw new DatasetException(p, 0, null, "is a second images file for '" + im.group(1) + "'; keep one (gzip or not)");
        }
        if (lm.matches() && labels.put(lm.group(1), p) != null) {
          throw new DatasetException(p, 0, null, "is a second labels file for '" + lm.group(1) + "'; keep one (gzip or not)");
        }
      }
    } catch (IOException e) {
      throw new DatasetException(dir, 0, null, "cannot be listed: " + e.getMessage());
    }
    List<IdxWriter.Pair> pairs = new ArrayList<>();
    for (Map.Entry<String, Path> e : images.entrySet()) {
      Path l = labels.remove(e.getKey());
      if (l == null) {
        throw new DatasetException(e.getValue(), 0, null, "has no labels file beside it; add " + e.getKey()
            + "-labels-idx1-ubyte.gz");
      }
      pairs.add(new IdxWriter.Pair(e.getValue(), l));
    }
    if (!labels.isEmpty()) {
      Map.Entry<String, Path> e = labels.entrySet().iterator().next();
      throw new DatasetException(e.getValue(), 0, null, "has no images file beside it; add " + e.getKey()
          + "-images-idx3-ubyte.gz");
    }
    if (pairs.isEmpty()) {
      throw new DatasetException(dir, 0, null, "holds no IDX pair (*-images-idx3-ubyte[.gz] + *-labels-idx1-ubyte[.gz])");
    }
    return pairs;
  }

  /** Every IDX pair of a directory as one data set; all pairs must share the image shape. */
  private static Dataset readIdxDirectory(Path dir) throws DatasetException {
    List<Dataset> parts = new ArrayList<>();
    for (IdxWriter.Pair p : idxPairs(dir)) {
      Dataset d = IdxReader.read(p.images(), p.labels());
      if (!parts.isEmpty() && !parts.get(0).sampleShape().equals(d.sampleShape())) {
        throw new DatasetException(p.images(), 0, null, "holds images of shape " + d.sampleShape() + " but "
            + parts.get(0).source() + " holds " + parts.get(0).sampleShape() + "; a data set has one image shape");
      }
      parts.add(d);
    }
    return parts.size() == 1 ? parts.get(0) : CsvDatasetReader.concat(dir, parts);
  }
}
