package io.fedmesh.common.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads an image folder: one subfolder per class (class index = the subfolders' sorted name
 * order; the names are kept), each holding PNG or JPEG images. Every image must have the size and
 * channel count of the first (grey = 1 channel, RGB = 3; alpha is dropped); samples are CHW floats
 * in [0, 1]. A file that is not an image, an image of another size and an empty class folder are
 * errors naming the file. Each image's size is read from its header before it is decoded.
 */
public final class ImageFolderReader {
  /** Bigger images are refused before decoding (a header can claim any size). */
  public static final int MAX_SIDE = 4096;

  private ImageFolderReader() {}

  public static Dataset read(Path dir) throws DatasetException {
    List<Path> classDirs = classFolders(dir);
    List<String> classNames = new ArrayList<>();
    List<List<Path>> files = new ArrayList<>();
    int total = 0;
    for (Path c : classDirs) {
      List<Path> images = visible(c, false);
      if (images.isEmpty()) {
        throw new DatasetException(c, 0, null, "is an empty class folder; put the class's images in it or remove it");
      }
      classNames.add(c.getFileName().toString());
      files.add(images);
      total += images.size();
    }
    Path first = files.get(0).get(0);
    BufferedImage probe = decode(first, -1, -1);
    int channels = channels(probe);
    int height = probe.getHeight();
    int width = probe.getWidth();
    int features = Math.multiplyExact(channels, Math.multiplyExact(height, width));
    if ((long) features * total > Integer.MAX_VALUE - 8) {
      throw new DatasetException(dir, 0, null, total + " images of " + channels + "x" + height + "x" + width
          + " are more values than one data set can hold; use smaller images or split the folder over sites");
    }
    float[] x = new float[features * total];
    float[] y = new float[total];
    int row = 0;
    for (int label = 0; label < files.size(); label++) {
      for (Path f : files.get(label)) {
        BufferedImage img = f.equals(first) ? probe : decode(f, width, height);
        if (img.getWidth() != width || img.getHeight() != height || channels(img) != channels) {
          throw new DatasetException(f, 0, null, "is " + describe(img) + " but " + first + " is " + describe(probe)
              + "; every image of a data set must have the same size and channels (resize or convert it)");
        }
        toChw(img, channels, x, row * features);
        y[row++] = label;
      }
    }
    return new Dataset(dir, List.of(), total, features, x, y, classNames.size(), List.of(channels, height, width),
        classNames);
  }

  /** The class subfolders, sorted by name; files beside them are an error (they would silently not train). */
  static List<Path> classFolders(Path dir) throws DatasetException {
    if (!Files.isDirectory(dir)) {
      throw new DatasetException(dir, 0, null, "is not a directory; an image folder holds one subfolder per class");
    }
    List<Path> entries = visible(dir, true);
    List<Path> classes = entries.stream().filter(Files::isDirectory).toList();
    if (classes.isEmpty()) {
      throw new DatasetException(dir, 0, null, "has no class subfolders; an image folder holds one subfolder per class"
          + " (e.g. cat/, dog/) with the images inside");
    }
    return classes;
  }

  private static List<Path> visible(Path dir, boolean withDirs) throws DatasetException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> all = s.filter(Datasets::visible).sorted().toList();
      for (Path p : all) {
        if (!withDirs && Files.isDirectory(p)) {
          throw new DatasetException(p, 0, null, "is a folder inside a class folder; a class folder holds images only");
        }
      }
      return all;
    } catch (IOException e) {
      throw new DatasetException(dir, 0, null, "cannot be listed: " + e.getMessage());
    }
  }

  /** Decodes {@code file} after checking its header's size (against {@code width x height} when given). */
  private static BufferedImage decode(Path file, int width, int height) throws DatasetException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw new DatasetException(file, 0, null, "is not a PNG or JPEG image; remove it from the class folder");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        String kind = reader.getFormatName().toLowerCase(java.util.Locale.ROOT);
        if (!kind.equals("png") && !kind.equals("jpeg") && !kind.equals("jpg")) {
          throw new DatasetException(file, 0, null, "is a " + kind + " image; fedmesh reads PNG and JPEG (convert it)");
        }
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w > MAX_SIDE || h > MAX_SIDE) {
          throw new DatasetException(file, 0, null, "is " + w + "x" + h + " pixels; images larger than " + MAX_SIDE
              + " pixels a side are refused (resize them)");
        }
        if (width >= 0 && (w != width || h != height)) {
          throw new DatasetException(file, 0, null, "is " + w + "x" + h + " pixels but the data set's images are " + width + "x"
              + height + "; every image of a data set must have the same size (resize it)");
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw new DatasetException(file, 0, null, "cannot be decoded as an image (" + e.getMessage() + "); replace or remove it");
    }
  }

  /** 1 for grey (with or without alpha), 3 for colour, palettes included. */
  private static int channels(BufferedImage img) {
    ColorModel cm = img.getColorModel();
    return cm instanceof IndexColorModel || cm.getNumColorComponents() >= 3 ? 3 : 1;
  }

  private static String describe(BufferedImage img) {
    return img.getWidth() + "x" + img.getHeight() + " pixels, " + (channels(img) == 1 ? "grey (1 channel)" : "colour (3 channels)");
  }

  private static void toChw(BufferedImage img, int channels, float[] x, int offset) {
    int w = img.getWidth();
    int h = img.getHeight();
    int plane = w * h;
    if (channels == 1) {
      // the raw grey samples: getRGB would push them through an sRGB conversion
      Raster raster = img.getRaster();
      float max = (1 << raster.getSampleModel().getSampleSize(0)) - 1;
      for (int yy = 0; yy < h; yy++) {
        for (int xx = 0; xx < w; xx++) {
          x[offset + yy * w + xx] = raster.getSample(xx, yy, 0) / max;
        }
      }
      return;
    }
    for (int yy = 0; yy < h; yy++) {
      for (int xx = 0; xx < w; xx++) {
        int rgb = img.getRGB(xx, yy);
        int i = offset + yy * w + xx;
        x[i] = ((rgb >> 16) & 0xff) / 255f;
        x[i + plane] = ((rgb >> 8) & 0xff) / 255f;
        x[i + 2 * plane] = (rgb & 0xff) / 255f;
      }
    }
  }
}
