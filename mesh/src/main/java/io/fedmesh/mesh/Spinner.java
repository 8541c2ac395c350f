package io.fedmesh.mesh;

import java.io.PrintStream;

/** A one-line progress indicator for long waits; silent when the output is not a terminal. */
final class Spinner {
  private static final char[] FRAMES = {'|', '/', '-', '\\'};
  private final PrintStream out;
  private final boolean tty = System.console() != null;
  private int frame;
  private int width;

  Spinner(PrintStream out) {
    this.out = out;
  }

  void show(String text) {
    if (!tty) {
      return;
    }
    String line = "  " + FRAMES[frame++ % FRAMES.length] + " " + text;
    out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
    out.flush();
    width = line.length();
  }

  void clear() {
    if (tty && width > 0) {
      out.print("\r" + " ".repeat(width) + "\r");
      out.flush();
      width = 0;
    }
  }
}
