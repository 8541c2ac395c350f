package io.fedmesh.mesh.wan;

import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * An emulated WAN link in user space: a TCP proxy on loopback (netcrusher) that delays each
 * direction by half the RTT (plus jitter) and caps its bandwidth. A site's agent dials the proxy
 * instead of the coordinator. The conditions can change while it runs ({@link #conditions()});
 * partition() cuts the link without closing it.
 */
public final class WanLink implements AutoCloseable {
  /** Round-trip time and jitter in ms, bandwidth in Mbit/s (each direction). */
  public record Profile(int rttMs, double bandwidthMbps, int jitterMs) {
    public Profile(int rttMs, double bandwidthMbps) {
      this(rttMs, bandwidthMbps, 0);
    }

    @Override
    public String toString() {
      String bw = bandwidthMbps == Math.rint(bandwidthMbps) ? String.valueOf((long) bandwidthMbps) : String.valueOf(bandwidthMbps);
      return rttMs + " ms RTT" + (jitterMs > 0 ? " ±" + jitterMs + " ms" : "") + ", " + bw + " Mbit/s";
    }
  }

  private final TcpCrusher crusher;
  private final LinkConditions conditions;
  private volatile boolean partitioned;

  private WanLink(TcpCrusher crusher, LinkConditions conditions) {
    this.crusher = crusher;
    this.conditions = conditions;
  }

  public static WanLink open(NioReactor reactor, int listenPort, int targetPort, Profile profile) {
    LinkConditions conditions = new LinkConditions(profile);
    TcpCrusher crusher = TcpCrusherBuilder.builder()
        .withReactor(reactor)
        .withBindAddress("127.0.0.1", listenPort)
        .withConnectAddress("127.0.0.1", targetPort)
        .withIncomingThrottlerFactory(addr -> new LinkThrottler(conditions, addr.getPort()))
        .withOutgoingThrottlerFactory(addr -> new LinkThrottler(conditions, ~addr.getPort()))
        .buildAndOpen();
    return new WanLink(crusher, conditions);
  }

  public int port() {
    return crusher.getBindAddress().getPort();
  }

  /** The link's conditions now. */
  public Profile profile() {
    return conditions.now();
  }

  /** Where the link's latency, jitter and bandwidth are changed while it runs. */
  public LinkConditions conditions() {
    return conditions;
  }

  /** Cuts the link (a WAN partition): bytes stop flowing, connections stay open. */
  public synchronized void partition() {
    if (!partitioned) {
      crusher.freeze();
      partitioned = true;
    }
  }

  public synchronized void heal() {
    if (partitioned) {
      crusher.unfreeze();
      partitioned = false;
    }
  }

  public boolean partitioned() {
    return partitioned;
  }

  @Override
  public void close() {
    crusher.close();
  }
}
