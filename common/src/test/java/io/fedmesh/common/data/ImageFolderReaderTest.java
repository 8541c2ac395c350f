package io.fedmesh.common.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {
  @TempDir Path dir;

  /** A w x h image of one colour, written with ImageIO as {@code format} (png or jpg). */
  private Path image(String cls, String name, int w, int h, int type, int rgb, String format) throws Exception {
    BufferedImage img = new BufferedImage(w, h, type);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    Path f = dir.resolve(cls).resolve(name);
    Files.createDirectories(f.getParent());
    assertThat(ImageIO.write(img, format, f.toFile())).isTrue();
    return f;
  }

  @Test
  void pngAndJpegRgbImagesBecomeChwFloatsWithSortedClasses() throws Exception {
    image("zebra", "a.png", 4, 3, BufferedImage.TYPE_INT_RGB, 0xff0000, "png");
    image("zebra", "b.jpg", 4, 3, BufferedImage.TYPE_INT_RGB, 0x0000ff, "jpg");
    image("ant", "c.png", 4, 3, BufferedImage.TYPE_INT_RGB, 0x00ff00, "png");
    Dataset d = ImageFolderReader.read(dir);
    assertThat(d.classNames()).containsExactly("ant", "zebra");
    assertThat(d.classes()).isEqualTo(2);
    assertThat(d.rows()).isEqualTo(3);
    assertThat(d.sampleShape()).containsExactly(3, 3, 4);
    assertThat(d.features()).isEqualTo(36);
    assertThat(d.y()).containsExactly(0f, 1f, 1f);
    // ant/c.png is pure green: channel planes R, G, B of 12 values each
    assertThat(d.x()[0]).isZero();
    assertThat(d.x()[12]).isEqualTo(1f);
    assertThat(d.x()[24]).isZero();
    // zebra/a.png red; zebra/b.jpg blue, within JPEG's loss
    assertThat(d.x()[36]).isEqualTo(1f);
    assertThat(d.x()[72 + 24]).isCloseTo(1f, within(0.1f));
    assertThat(d.x()[72]).isCloseTo(0f, within(0.1f));
  }

  @Test
  void greyImagesHaveOneChannel() throws Exception {
    image("0", "a.png", 5, 5, BufferedImage.TYPE_BYTE_GRAY, 0xffffff, "png");
    image("1", "b.jpg", 5, 5, BufferedImage.TYPE_BYTE_GRAY, 0x000000, "jpg");
    Dataset d = ImageFolderReader.read(dir);
    assertThat(d.sampleShape()).containsExactly(1, 5, 5);
    assertThat(d.x()[0]).isEqualTo(1f);
    assertThat(d.x()[25]).isCloseTo(0f, within(0.05f));
  }

  @Test
  void anImageOfAnotherSizeIsRefusedNamingTheFile() throws Exception {
    image("a", "1.png", 4, 4, BufferedImage.TYPE_INT_RGB, 0, "png");
    Path odd = image("b", "2.png", 5, 4, BufferedImage.TYPE_INT_RGB, 0, "png");
    assertThatThrownBy(() -> ImageFolderReader.read(dir)).isInstanceOf(DatasetException.class)
        .hasMessageContaining(odd.toString()).hasMessageContaining("5x4 pixels but the data set's images are 4x4");
  }

  @Test
  void greyAmongColourIsRefusedNamingTheFile() throws Exception {
    image("a", "1.png", 4, 4, BufferedImage.TYPE_INT_RGB, 0, "png");
    Path grey = image("b", "2.png", 4, 4, BufferedImage.TYPE_BYTE_GRAY, 0, "png");
    assertThatThrownBy(() -> ImageFolderReader.read(dir)).hasMessageContaining(grey.toString())
        .hasMessageContaining("grey (1 channel)");
  }

  @Test
  void aFileThatIsNotAnImageIsRefusedNamingIt() throws Exception {
    image("a", "1.png", 4, 4, BufferedImage.TYPE_INT_RGB, 0, "png");
    Path notes = dir.resolve("a/notes.txt");
    Files.writeString(notes, "not a picture");
    assertThatThrownBy(() -> ImageFolderReader.read(dir)).hasMessageContaining(notes.toString())
        .hasMessageContaining("not a PNG or JPEG image");
  }

  @Test
  void anEmptyClassFolderIsRefusedNamingIt() throws Exception {
    image("a", "1.png", 4, 4, BufferedImage.TYPE_INT_RGB, 0, "png");
    Files.createDirectories(dir.resolve("b"));
    assertThatThrownBy(() -> ImageFolderReader.read(dir)).hasMessageContaining(dir.resolve("b").toString())
        .hasMessageContaining("empty class folder");
  }

  @Test
  void aFolderWithoutClassSubfoldersIsRefused() {
    assertThatThrownBy(() -> ImageFolderReader.read(dir)).hasMessageContaining("has no class subfolders");
  }
}
