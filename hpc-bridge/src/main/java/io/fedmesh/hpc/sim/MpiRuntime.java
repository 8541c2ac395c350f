package io.fedmesh.hpc.sim;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the Open MPI pieces are on this machine: {@code mpirun} on the PATH, {@code mpi.jar} built by
 * hpc-bridge/scripts/build-mpi-jar.sh (in $FEDMESH_MPI_DIR, default ~/.fedmesh/mpi), and the
 * directory of Debian's libmpi_java.so (for -Djava.library.path).
 */
public record MpiRuntime(Optional<Path> mpirun, Optional<Path> mpiJar, Optional<Path> libraryDir) {
  private static final List<String> LIBRARY_DIRS = List.of("/usr/lib/x86_64-linux-gnu/openmpi/lib",
      "/usr/lib/aarch64-linux-gnu/openmpi/lib", "/usr/lib64/openmpi/lib", "/usr/lib/openmpi/lib");

  /** What this machine has, looked up now. */
  public static MpiRuntime detect() {
    return new MpiRuntime(onPath("mpirun"), Optional.of(defaultJar()).filter(Files::isRegularFile), findLibraryDir());
  }

  /** Where mpi.jar is (or would be) built: $FEDMESH_MPI_DIR/mpi.jar, else ~/.fedmesh/mpi/mpi.jar. */
  public static Path defaultJar() {
    String dir = System.getenv("FEDMESH_MPI_DIR");
    return (dir == null || dir.isBlank() ? Path.of(System.getProperty("user.home"), ".fedmesh", "mpi") : Path.of(dir))
        .resolve("mpi.jar");
  }

  /** True when a task can run on several MPI ranks here. */
  public boolean usable() {
    return mpirun.isPresent() && mpiJar.isPresent() && libraryDir.isPresent();
  }

  /** Why MPI is not usable here (for skip messages and logs); empty when it is. */
  public String missing() {
    StringBuilder b = new StringBuilder();
    if (mpirun.isEmpty()) {
      b.append("mpirun not on PATH (install openmpi-bin); ");
    }
    if (mpiJar.isEmpty()) {
      b.append(defaultJar()).append(" missing (run hpc-bridge/scripts/build-mpi-jar.sh); ");
    }
    if (libraryDir.isEmpty()) {
      b.append("libmpi_java.so not found (install libopenmpi-dev); ");
    }
    return b.isEmpty() ? "" : b.substring(0, b.length() - 2);
  }

  private static Optional<Path> findLibraryDir() {
    String override = System.getenv("FEDMESH_MPI_LIB");
    if (override != null && !override.isBlank()) {
      return Optional.of(Path.of(override)).filter(d -> Files.isRegularFile(d.resolve("libmpi_java.so")));
    }
    return LIBRARY_DIRS.stream().map(Path::of).filter(d -> Files.isRegularFile(d.resolve("libmpi_java.so"))).findFirst();
  }

  static Optional<Path> onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
