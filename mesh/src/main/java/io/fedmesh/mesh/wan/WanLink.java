package io.fedmesh.mesh.wan;

import java.util.concurrent.TimeUnit;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.core.throttle.DelayThrottler;
import org.netcrusher.core.throttle.Throttlers;
import org.netcrusher.core.throttle.rate.ByteRateThrottler;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * An emulated WAN link in user space: a TCP proxy on loopback (netcrusher) that adds one-way
 * latency and caps bandwidth in both directions. A site's agent dials the proxy instead of the
 * coordinator. freeze() cuts the link (a partition) without closing it.
 */
public final class WanLink implements AutoCloseable {
  /** Latency one way in ms and bandwidth in Mbit/s. */
  public record Profile(int latencyMs, int bandwidthMbps) {
    @Override
    public String toString() {
      return latencyMs * 2 + " ms RTT, " + bandwidthMbps + " Mbit/s";
    }
  }

  private final TcpCrusher crusher;
  private final Profile profile;

  private WanLink(TcpCrusher crusher, Profile profile) {
    this.crusher = crusher;
    this.profile = profile;
  }

  public static WanLink open(NioReactor reactor, int listenPort, int targetPort, Profile profile) {
    long bytesPerSecond = profile.bandwidthMbps() * 1_000_000L / 8;
    TcpCrusher crusher = TcpCrusherBuilder.builder()
        .withReactor(reactor)
        .withBindAddress("127.0.0.1", listenPort)
        .withConnectAddress("127.0.0.1", targetPort)
        .withIncomingThrottlerFactory(Throttlers.sum(
            addr -> new DelayThrottler(profile.latencyMs(), TimeUnit.MILLISECONDS),
            addr -> new ByteRateThrottler(bytesPerSecond, 1, TimeUnit.SECONDS)))
        .withOutgoingThrottlerFactory(Throttlers.sum(
            addr -> new DelayThrottler(profile.latencyMs(), TimeUnit.MILLISECONDS),
            addr -> new ByteRateThrottler(bytesPerSecond, 1, TimeUnit.SECONDS)))
        .buildAndOpen();
    return new WanLink(crusher, profile);
  }

  public int port() {
    return crusher.getBindAddress().getPort();
  }

  public Profile profile() {
    return profile;
  }

  /** Cuts the link (a WAN partition): bytes stop flowing, connections stay open. */
  public void partition() {
    crusher.freeze();
  }

  public void heal() {
    crusher.unfreeze();
  }

  @Override
  public void close() {
    crusher.close();
  }
}
