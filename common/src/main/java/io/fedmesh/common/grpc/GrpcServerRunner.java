package io.fedmesh.common.grpc;

import io.fedmesh.common.security.IdentityInterceptor;
import io.fedmesh.common.security.MutualTls;
import io.fedmesh.common.security.PeerIdentity;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one gRPC server lifecycle of fedmesh: (m)TLS or plaintext, a bounded executor, the standard
 * health service, and shutdown as NOT_SERVING, then graceful drain, then forced.
 */
public final class GrpcServerRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcServerRunner.class);

  private final String name;
  private final Server server;
  private final HealthStatusManager health;
  private final ExecutorService executor;

  private GrpcServerRunner(String name, Server server, HealthStatusManager health, ExecutorService executor) {
    this.name = name;
    this.server = server;
    this.health = health;
    this.executor = executor;
  }

  /**
   * Starts a server on host:port (port 0 picks a free one) with the given services. A host other
   * than empty or 0.0.0.0 binds that address only (127.0.0.1 keeps a test server off the network).
   *
   * @param tls null for plaintext (--insecure: every caller is {@link PeerIdentity#INSECURE})
   * @param callers the identities that may call the services (none named: any the CA vouches for)
   */
  public static GrpcServerRunner start(String name, HostPort listen, TlsFiles tls, List<BindableService> services,
      PeerIdentity.Kind... callers) {
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(16, 16, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(4096), r -> {
      Thread t = new Thread(r, name + "-grpc-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    executor.allowCoreThreadTimeOut(true);
    NettyServerBuilder builder = listen.host().isBlank() || "0.0.0.0".equals(listen.host())
        ? NettyServerBuilder.forPort(listen.port())
        : NettyServerBuilder.forAddress(new InetSocketAddress(listen.host(), listen.port()));
    if (tls != null) {
      builder.sslContext(MutualTls.server(tls));
    }
    // every service, health included, sees its caller's identity; nothing is reachable without one
    IdentityInterceptor identity = new IdentityInterceptor(tls == null, callers.length == 0 ? Set.of() : EnumSet.copyOf(Arrays.asList(callers)));
    HealthStatusManager health = new HealthStatusManager();
    builder.executor(executor).maxInboundMessageSize(16 * 1024 * 1024)
        .addService(ServerInterceptors.intercept(health.getHealthService(), identity));
    for (BindableService s : services) {
      builder.addService(ServerInterceptors.intercept(s, identity));
    }
    Server server;
    try {
      server = builder.build().start();
    } catch (IOException e) {
      executor.shutdownNow();
      throw new UncheckedIOException("cannot listen on " + listen + " for " + name + ": " + e.getMessage(), e);
    }
    health.setStatus("", ServingStatus.SERVING);
    for (BindableService s : services) {
      health.setStatus(s.bindService().getServiceDescriptor().getName(), ServingStatus.SERVING);
    }
    GrpcServerRunner runner = new GrpcServerRunner(name, server, health, executor);
    LOG.info("{} gRPC server listening on {}:{} ({})", name, listen.host(), runner.port(), tls == null ? "PLAINTEXT, --insecure" : "mutual TLS 1.3");
    return runner;
  }

  public int port() {
    return server.getPort();
  }

  public HealthStatusManager health() {
    return health;
  }

  @Override
  public void close() {
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(30, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      executor.shutdownNow();
      LOG.info("{} gRPC server stopped", name);
    }
  }
}
