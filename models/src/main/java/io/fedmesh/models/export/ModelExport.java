package io.fedmesh.models.export;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import io.fedmesh.common.codec.Digests;
import io.fedmesh.common.io.AtomicFiles;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.models.BuiltNetwork;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A trained model as a directory anyone with DJL can load: the weights in DJL's own
 * {@code .params} format ({@code Model.save}) and {@link ExportManifest#FILE} describing them.
 */
public final class ModelExport {
  /** DJL's model name: the weights are {@code fedmesh-model-0000.params}. */
  public static final String MODEL_NAME = "fedmesh-model";
  /** A torchscript model's export: the user's module holding the trained weights. */
  static final String SCRIPT_FILE = MODEL_NAME + ".pt";
  /** A manifest is a few kilobytes; anything far larger is not one. */
  static final long MAX_MANIFEST_BYTES = 4L * 1024 * 1024;

  private ModelExport() {}

  /**
   * Writes {@code weights} of {@code description} into {@code dir} (created; files of an earlier
   * export there are replaced) and returns the manifest as written, with its file digests.
   */
  public static ExportManifest write(Path dir, ModelDescription description, float[] weights, ExportManifest manifest) {
    if (!Digests.sha256(weights).equals(manifest.weightsDigest())) {
      throw new ExportException("the manifest's weightsDigest " + manifest.weightsDigest() + " is not the digest of the weights given ("
          + Digests.sha256(weights) + ")");
    }
    try (BuiltNetwork net = BuiltNetwork.build(description, 0, Device.cpu())) {
      net.load(weights);
      Files.createDirectories(dir);
      if (description.script() == null) {
        net.model().save(dir, MODEL_NAME);
      } else { // the user's module with the trained weights in it: what DJL (or torch.jit.load) loads as fedmesh-model.pt
        try (java.io.OutputStream out = Files.newOutputStream(dir.resolve(SCRIPT_FILE))) {
          ai.djl.pytorch.jni.JniUtils.writeModule((ai.djl.pytorch.engine.PtSymbolBlock) net.model().getBlock(), out, false);
        }
      }
      Map<String, String> digests = new LinkedHashMap<>();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : files.filter(p -> p.getFileName().toString().startsWith(MODEL_NAME + "-")
            || p.getFileName().toString().equals(SCRIPT_FILE)).sorted().toList()) {
          digests.put(p.getFileName().toString(), sha256(p));
        }
      }
      ExportManifest written = new ExportManifest(net.resolved(), manifest.classNames(), manifest.metricName(), manifest.metric(),
          manifest.version(), manifest.weightsDigest(), digests);
      AtomicFiles.write(dir.resolve(ExportManifest.FILE), written.toJson());
      return written;
    } catch (IOException e) {
      throw new ExportException("cannot write the model to " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads an export: checks the manifest, every file's sha256 and the weights' digest, and loads
   * the network through DJL ({@code Model.load}). Close the result to free its native memory.
   */
  public static ExportedModel read(Path dir) {
    Path manifestFile = dir.resolve(ExportManifest.FILE);
    if (!Files.isRegularFile(manifestFile)) {
      throw new ExportException(dir + " has no " + ExportManifest.FILE + ": point --model at a directory `fedmesh export` wrote");
    }
    ExportManifest manifest;
    ModelDescription loadable;
    try {
      long size = Files.size(manifestFile);
      if (size > MAX_MANIFEST_BYTES) {
        throw new ExportException(manifestFile + " is " + size + " bytes, more than a manifest can be (" + MAX_MANIFEST_BYTES + ")");
      }
      manifest = ExportManifest.parse(Files.readAllBytes(manifestFile), manifestFile.toString());
      for (Map.Entry<String, String> f : manifest.files().entrySet()) {
        Path file = dir.resolve(f.getKey()).normalize();
        if (!file.getParent().equals(dir.normalize()) || !Files.isRegularFile(file)) {
          throw new ExportException(manifestFile + " lists '" + f.getKey() + "', which is not a file in " + dir);
        }
        if (!sha256(file).equals(f.getValue())) {
          throw new ExportException(file + " does not match its sha256 in " + ExportManifest.FILE
              + ": the file was changed or truncated after the export; export the model again");
        }
      }
      loadable = exportedScript(dir, manifest);
    } catch (IOException e) {
      throw new ExportException("cannot read " + dir + ": " + e.getMessage(), e);
    }
    BuiltNetwork net = BuiltNetwork.build(loadable, 0, Device.cpu());
    try {
      if (loadable.script() == null) {
        net.model().load(dir, MODEL_NAME);
      }
      String digest = Digests.sha256(net.weights());
      if (!digest.equals(manifest.weightsDigest())) {
        throw new ExportException("the weights in " + dir + " have digest " + digest + " but " + ExportManifest.FILE + " says "
            + manifest.weightsDigest() + ": the export is not the version it claims to be");
      }
      return new ExportedModel(manifest, net);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      net.close();
      if (e instanceof ExportException x) {
        throw x;
      }
      throw new ExportException("DJL cannot load the weights in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** What to build: the manifest's network, or for torchscript the exported module (its weights inside, digest checked above). */
  private static ModelDescription exportedScript(Path dir, ExportManifest manifest) throws IOException {
    ModelDescription d = manifest.description();
    if (d.script() == null) {
      return d;
    }
    if (!manifest.files().containsKey(SCRIPT_FILE)) {
      throw new ExportException(dir + " is a torchscript model but its manifest lists no " + SCRIPT_FILE + ": export the model again");
    }
    ModelDescription.ScriptRef exported = io.fedmesh.models.TorchScripts.register(dir.resolve(SCRIPT_FILE));
    return ModelDescription.torchScript(d.inputShape(), d.outputs(), d.task(), exported).withLayout(d.layout());
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always present in the JDK", e);
    }
  }
}
