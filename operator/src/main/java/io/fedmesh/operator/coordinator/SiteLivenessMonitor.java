package io.fedmesh.operator.coordinator;

import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks sites Offline when their heartbeats stop, including EdgeSites with no session at all (an
 * operator that restarted never heard from them; read from the informer cache), and exports
 * heartbeat age per site.
 */
public final class SiteLivenessMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SiteLivenessMonitor.class);

  private final java.util.function.Supplier<java.util.List<EdgeSite>> sitesInScope;
  private final Federation federation;
  private final EdgeSiteMirror mirror;
  private final Duration timeout;
  private final MeterRegistry registry;
  private final Set<String> gauged = ConcurrentHashMap.newKeySet();
  private final Instant startedAt = Instant.now();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "fedmesh-liveness");
    t.setDaemon(true);
    return t;
  });
  private long ticks;
  private boolean started;

  /** @param sitesInScope the EdgeSites this operator serves, from its informer cache */
  public SiteLivenessMonitor(java.util.function.Supplier<java.util.List<EdgeSite>> sitesInScope, Federation federation,
      EdgeSiteMirror mirror, Duration timeout, MeterRegistry registry) {
    this.sitesInScope = sitesInScope;
    this.federation = federation;
    this.mirror = mirror;
    this.timeout = timeout;
    this.registry = registry;
  }

  /** Starts checking (once; later calls do nothing). */
  public synchronized SiteLivenessMonitor start() {
    if (started) {
      return this;
    }
    started = true;
    long period = Math.max(100, Math.min(1000, timeout.toMillis() / 4));
    timer.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    return this;
  }

  private void tick() {
    try {
      Instant now = Instant.now();
      for (SiteSession s : federation.sites.all()) {
        if (gauged.add(s.key())) {
          Gauge.builder("fedmesh_site_heartbeat_age_seconds", federation.sites,
                  reg -> reg.get(s.namespace(), s.site()).map(x -> Duration.between(x.lastHeartbeat(), Instant.now()).toMillis() / 1000.0).orElse(Double.NaN))
              .tag("site", s.key()).register(registry);
        }
        Duration silence = Duration.between(s.lastHeartbeat, now);
        if (!s.offline && silence.compareTo(timeout) > 0) {
          s.offline = true;
          mirror.wentOffline(s, silence);
          federation.siteChanged(s.namespace(), s.site()); // a round waiting for this site closes now
        }
      }
      // sites without a session: once per ~5 ticks, and only after one timeout since start so
      // agents of a restarted operator get the chance to re-register first
      if (ticks++ % 5 == 0 && Duration.between(startedAt, now).compareTo(timeout) > 0) {
        for (EdgeSite site : sitesInScope.get()) {
          EdgeSiteStatus st = site.getStatus();
          if (st == null || st.phase == null || st.phase == EdgeSiteStatus.Phase.Offline || st.phase == EdgeSiteStatus.Phase.Pending) {
            continue;
          }
          if (federation.sites.get(site.getMetadata().getNamespace(), site.getMetadata().getName()).isEmpty()) {
            mirror.offlineWithoutSession(site, timeout);
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("liveness check failed: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
