package io.fedmesh.mesh.wan;

/**
 * The conditions of one emulated link now: latency, jitter and bandwidth, changed while it runs
 * (a scenario's events) and read by its throttlers for every chunk of bytes.
 */
public final class LinkConditions {
  private volatile int rttMs;
  private volatile int jitterMs;
  private volatile double bandwidthMbps;

  public LinkConditions(WanLink.Profile p) {
    set(p);
  }

  public void set(WanLink.Profile p) {
    if (p.rttMs() < 0 || p.jitterMs() < 0 || !(p.bandwidthMbps() > 0)) {
      throw new IllegalArgumentException("a link needs rttMs >= 0, jitterMs >= 0 and bandwidthMbps > 0 (got " + p + ")");
    }
    this.rttMs = p.rttMs();
    this.jitterMs = p.jitterMs();
    this.bandwidthMbps = p.bandwidthMbps();
  }

  public void bandwidth(double mbps) {
    set(new WanLink.Profile(rttMs, mbps, jitterMs));
  }

  public WanLink.Profile now() {
    return new WanLink.Profile(rttMs, bandwidthMbps, jitterMs);
  }

  long oneWayNanos() {
    return rttMs * 500_000L;
  }

  long jitterNanos() {
    return jitterMs * 1_000_000L;
  }

  double bytesPerNano() {
    return bandwidthMbps * 1e6 / 8 / 1e9;
  }
}
