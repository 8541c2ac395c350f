package io.fedmesh.mesh.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds Fashion-MNIST as Debian's {@code dataset-fashion-mnist} package installs it: the IDX files
 * {@code {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz}, located with {@code dpkg -L} or in the
 * package's directory. When they are missing it installs the package where it can (root, or
 * passwordless sudo, with apt-get); otherwise it fails saying which command to run.
 */
public final class FashionMnistLocator {
  public static final String PACKAGE = "dataset-fashion-mnist";
  /** Where the Debian package puts the files. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
  static final List<String> FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
      "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

  /** Where the four files of the data set are. */
  public record Location(Path trainImages, Path trainLabels, Path testImages, Path testLabels) {
    public static Location in(Path dir) {
      return new Location(dir.resolve(FILES.get(0)), dir.resolve(FILES.get(1)), dir.resolve(FILES.get(2)), dir.resolve(FILES.get(3)));
    }
  }

  /** What this machine allows; a seam so the refusal message can be tested without changing the machine. */
  public interface Host {
    /** Directories {@code dpkg -L} lists the package's files in; empty when it is not installed. */
    List<Path> dpkgDirs();

    boolean isRoot();

    boolean passwordlessSudo();

    boolean hasAptGet();

    /** Runs a command, its output going to the console; returns its exit status. */
    int run(List<String> command, PrintStream console) throws IOException, InterruptedException;
  }

  private final Host host;
  private final List<Path> knownDirs;

  public FashionMnistLocator() {
    this(new SystemHost(), List.of(DEBIAN_DIR));
  }

  public FashionMnistLocator(Host host, List<Path> knownDirs) {
    this.host = host;
    this.knownDirs = List.copyOf(knownDirs);
  }

  /** The files if they are on this machine now. */
  public Optional<Location> find() {
    for (Path dir : host.dpkgDirs()) {
      if (complete(dir)) {
        return Optional.of(Location.in(dir));
      }
    }
    return knownDirs.stream().filter(FashionMnistLocator::complete).findFirst().map(Location::in);
  }

  /** The files, installing the package first when they are missing and this machine lets us. */
  public Location locateOrInstall(PrintStream console) throws IOException, InterruptedException {
    Optional<Location> found = find();
    if (found.isPresent()) {
      return found.get();
    }
    boolean root = host.isRoot();
    if (!host.hasAptGet() || !(root || host.passwordlessSudo())) {
      throw new IllegalStateException("Fashion-MNIST is not on this machine (looked for " + FILES + " via dpkg -L " + PACKAGE
          + " and in " + knownDirs + ") and it cannot be installed from here ("
          + (host.hasAptGet() ? "not root and sudo needs a password" : "no apt-get") + "): run `sudo apt-get install -y "
          + PACKAGE + "` (Debian/Ubuntu), or put the four files in " + DEBIAN_DIR + ", then run again");
    }
    List<String> sudo = root ? List.of() : List.of("sudo", "-n");
    console.println("  installing " + PACKAGE + " (Fashion-MNIST, 30 MB) with apt-get");
    List<String> install = concat(sudo, List.of("apt-get", "install", "-y", "-q", PACKAGE));
    if (host.run(install, console) != 0) {
      // a fresh machine may have no package lists yet
      host.run(concat(sudo, List.of("apt-get", "update", "-q")), console);
      if (host.run(install, console) != 0) {
        throw new IllegalStateException("`" + String.join(" ", install) + "` failed (output above); install " + PACKAGE
            + " by hand and run again");
      }
    }
    return find().orElseThrow(() -> new IllegalStateException(PACKAGE + " is installed but its files " + FILES
        + " are not where dpkg -L says; reinstall it: sudo apt-get install --reinstall " + PACKAGE));
  }

  private static boolean complete(Path dir) {
    return FILES.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  /** The real machine: dpkg, id, sudo and apt-get as processes. */
  static final class SystemHost implements Host {
    @Override
    public List<Path> dpkgDirs() {
      Optional<String> listing = output(List.of("dpkg", "-L", PACKAGE));
      return listing.map(l -> l.lines().filter(line -> line.endsWith(FILES.get(0))).map(line -> Path.of(line).getParent())
          .distinct().toList()).orElse(List.of());
    }

    @Override
    public boolean isRoot() {
      return output(List.of("id", "-u")).map(String::strip).filter("0"::equals).isPresent();
    }

    @Override
    public boolean passwordlessSudo() {
      return output(List.of("sudo", "-n", "true")).isPresent();
    }

    @Override
    public boolean hasAptGet() {
      return output(List.of("apt-get", "--version")).isPresent();
    }

    @Override
    public int run(List<String> command, PrintStream console) throws IOException, InterruptedException {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().put("DEBIAN_FRONTEND", "noninteractive"); // no debconf prompt can block the launcher
      Process p = pb.start();
      p.getInputStream().transferTo(console);
      return p.waitFor();
    }

    /** The command's stdout when it exits 0 within 30 s; empty when it fails or is not there. */
    private static Optional<String> output(List<String> command) {
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
            Path.of("/dev/null").toFile())).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return Optional.empty();
        }
        return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
      } catch (IOException e) {
        return Optional.empty();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }
}
