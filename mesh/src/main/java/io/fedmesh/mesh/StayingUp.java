package io.fedmesh.mesh;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * `--keep-running`: the mesh stays up after its training until Ctrl-C or SIGTERM. The signal's
 * shutdown hook releases the main thread and then waits until it says the mesh is closed (by the
 * same try-with-resources as a normal run: agents, operator, bridge, API server), so the JVM
 * does not exit under a half-stopped mesh.
 */
final class StayingUp {
  private final CountDownLatch closed = new CountDownLatch(1);

  private StayingUp() {}

  /** Blocks until Ctrl-C or SIGTERM; call {@link #released} once the mesh is closed. */
  static StayingUp untilSignalled(PrintStream console, Path kubeconfig) throws InterruptedException {
    StayingUp stay = new StayingUp();
    CountDownLatch signalled = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      signalled.countDown();
      try {
        stay.closed.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "fedmesh-local-stop"));
    console.printf("%nthe mesh keeps running: kubectl --kubeconfig %s get fedmesh   (Ctrl-C stops everything)%n", kubeconfig);
    signalled.await();
    console.println("stopping the local mesh...");
    return stay;
  }

  void released() {
    closed.countDown();
  }
}
