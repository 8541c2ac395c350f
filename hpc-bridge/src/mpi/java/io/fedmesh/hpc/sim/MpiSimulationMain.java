package io.fedmesh.hpc.sim;

import java.io.PrintWriter;
import mpi.MPI;
import mpi.MPIException;

/**
 * {@link SimulationMain} on every rank of an {@code mpirun}: the grid is split into row strips with
 * halo exchange over Open MPI, and rank 0 writes the CSV. Needs mpi.jar on the class path and the
 * directory of libmpi_java.so in java.library.path ({@link SimulationLauncher} builds that command).
 */
public final class MpiSimulationMain {
  private MpiSimulationMain() {}

  public static void main(String[] args) throws MPIException {
    String[] rest = MPI.Init(args);
    int code;
    try (MpiHalo halo = new MpiHalo(MPI.COMM_WORLD)) {
      code = SimulationMain.execute(rest, halo, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }
    MPI.Finalize();
    System.exit(code);
  }
}
