package io.fedmesh.operator.coordinator;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registrations are cheap to ask for and dear to serve (an EdgeSite write each): a few per site in
 * a window, and a ceiling for all sites together, so a flood cannot crowd the API server. Refused
 * registrations are RESOURCE_EXHAUSTED, which agents retry with backoff.
 */
final class RegistrationLimiter {
  /** Above this many tracked sites the per-site windows restart; only a flood of identities gets there. */
  private static final int MAX_TRACKED = 10_000;

  private final RateLimiterConfig perSiteConfig;
  private final RateLimiter overall;
  private final Map<String, RateLimiter> perSite = new ConcurrentHashMap<>();

  RegistrationLimiter(int perSitePerWindow, Duration window, int overallPerSecond) {
    this.perSiteConfig = RateLimiterConfig.custom().limitForPeriod(perSitePerWindow).limitRefreshPeriod(window)
        .timeoutDuration(Duration.ZERO).build();
    this.overall = RateLimiter.of("registrations", RateLimiterConfig.custom().limitForPeriod(overallPerSecond)
        .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build());
  }

  /** The defaults: 5 registrations per site per 10 s, 200 per second in all (2,000 sites back within 10 s of a restart). */
  static RegistrationLimiter defaults() {
    return new RegistrationLimiter(5, Duration.ofSeconds(10), 200);
  }

  /** Throws RESOURCE_EXHAUSTED when {@code site} (namespace/name) registered too often, or everyone did. */
  void admit(String site) {
    if (perSite.size() > MAX_TRACKED) {
      perSite.clear();
    }
    RateLimiter mine = perSite.computeIfAbsent(site, s -> RateLimiter.of("registrations-" + s, perSiteConfig));
    if (!mine.acquirePermission()) {
      throw Status.RESOURCE_EXHAUSTED.withDescription("too many registrations of this site: retry after "
          + perSiteConfig.getLimitRefreshPeriod().toSeconds() + " s").asRuntimeException();
    }
    if (!overall.acquirePermission()) {
      throw Status.RESOURCE_EXHAUSTED.withDescription("the coordinator is taking too many registrations: retry in a few seconds")
          .asRuntimeException();
    }
  }
}
