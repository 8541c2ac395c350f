package io.fedmesh.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** The operator's Prometheus metrics (see docs/metrics.md). */
public final class OperatorMetrics {
  private final MeterRegistry registry;
  private final Counter rounds;
  private final Timer roundDuration;
  private final DistributionSummary participants;
  private final Timer aggregation;

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.rounds = Counter.builder("fedmesh_rounds_total").description("federation rounds completed").register(registry);
    this.roundDuration = Timer.builder("fedmesh_round_duration").description("round wall time, open to aggregation").register(registry);
    this.participants = DistributionSummary.builder("fedmesh_round_participants").description("updates aggregated per round").register(registry);
    this.aggregation = Timer.builder("fedmesh_aggregation").description("time to aggregate one round").register(registry);
  }

  public void roundCompleted(Duration took, int sites) {
    rounds.increment();
    roundDuration.record(took);
    participants.record(sites);
  }

  public Timer aggregation() {
    return aggregation;
  }

  public Timer reconcile(String kind) {
    // p50/p99 over a sliding window (what `./fedmesh bench operator-scale` reports) beside the histogram sums
    return Timer.builder("fedmesh_reconcile").tag("kind", kind).description("reconcile latency").publishPercentiles(0.5, 0.99)
        .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }
}
