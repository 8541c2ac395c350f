package io.fedmesh.operator.sites;

import io.fedmesh.api.v1alpha1.RoundForecast;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The latest round-time forecast of every site (by namespace/name): each observed round replaces
 * it, and the one it replaces is judged against what happened. Listeners (the EdgeSite status)
 * hear of every new forecast.
 */
public final class SiteForecasts {
  private final Map<String, RoundForecast> latest = new ConcurrentHashMap<>();
  private final List<BiConsumer<String, RoundForecast>> listeners = new CopyOnWriteArrayList<>();

  public void onForecast(BiConsumer<String, RoundForecast> listener) {
    listeners.add(listener);
  }

  /** A round of site {@code siteKey} was observed: forecasts the next one and tells the listeners. */
  public RoundForecast observed(String siteKey, RoundTimeForecaster.Observation o) {
    RoundForecast next = latest.compute(siteKey, (k, previous) -> RoundTimeForecaster.forecast(o, previous));
    listeners.forEach(l -> l.accept(siteKey, next));
    return next;
  }

  public Optional<RoundForecast> latest(String siteKey) {
    return Optional.ofNullable(latest.get(siteKey));
  }
}
