package io.fedmesh.models;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real TorchScript files for tests, written by examples/torchscript/make_model.py with Debian's
 * python3-torch (which scripts/test.sh installs). Without it a test is skipped with the reason,
 * except under CI=true, where it fails: CI must run it.
 */
public final class TorchScriptFixture {
  static final String PYTHON = "/usr/bin/python3";

  private TorchScriptFixture() {}

  /** A small CNN for [1, size, size] images into {@code classes}. */
  public static Path cnn(Path dir, int size, int classes) {
    return make(dir.resolve("cnn.pt"), "--kind", "cnn", "--size", Integer.toString(size), "--classes", Integer.toString(classes));
  }

  /** A one-hidden-layer MLP for {@code features} values into {@code classes}. */
  public static Path mlp(Path dir, int features, int classes) {
    return make(dir.resolve("mlp.pt"), "--kind", "mlp", "--features", Integer.toString(features), "--classes", Integer.toString(classes));
  }

  public static Path script() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path s = d.resolve("examples/torchscript/make_model.py");
      if (Files.isRegularFile(s)) {
        return s;
      }
    }
    throw new IllegalStateException("examples/torchscript/make_model.py not found above " + Path.of("").toAbsolutePath());
  }

  private static Path make(Path out, String... args) {
    List<String> cmd = new ArrayList<>(List.of(PYTHON, script().toString(), out.toString()));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        unavailable("make_model.py failed: " + text.strip());
      }
      return out;
    } catch (IOException e) {
      unavailable(PYTHON + " cannot run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static void unavailable(String why) {
    String reason = "no TorchScript fixture (" + why + "): install Debian's python3-torch (scripts/test.sh does)";
    if ("true".equals(System.getenv("CI"))) {
      fail("CI=true: " + reason);
    }
    Assumptions.abort(reason);
  }
}
