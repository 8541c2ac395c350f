package io.fedmesh.common.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Resilience4j around calls to one destination (a coordinator, a bridge): a circuit breaker for
 * every call, and a retry with exponential backoff and jitter for idempotent calls only, on
 * UNAVAILABLE and DEADLINE_EXCEEDED. Deadlines themselves are set on the gRPC stub, not here.
 */
public final class CallGuard {
  private final CircuitBreaker breaker;
  private final Retry retry;

  public CallGuard(String destination, int maxAttempts, Duration initialBackoff) {
    this.breaker = CircuitBreaker.of(destination, CircuitBreakerConfig.custom()
        .slidingWindowSize(10)
        .minimumNumberOfCalls(5)
        .failureRateThreshold(60)
        .waitDurationInOpenState(Duration.ofSeconds(5))
        .permittedNumberOfCallsInHalfOpenState(2)
        .recordException(CallGuard::isTransient)
        .build());
    this.retry = Retry.of(destination, RetryConfig.custom()
        .maxAttempts(maxAttempts)
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(initialBackoff, 2.0, 0.5, Duration.ofSeconds(10)))
        .retryOnException(CallGuard::isTransient)
        .build());
  }

  /** Defaults for WAN calls: 5 attempts from 200 ms. */
  public static CallGuard forDestination(String destination) {
    return new CallGuard(destination, 5, Duration.ofMillis(200));
  }

  /** Runs a call that is safe to repeat: retried on transient errors, through the breaker. */
  public <T> T idempotent(Supplier<T> call) {
    return Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, call)).get();
  }

  /** Runs a call that must not be repeated blindly: through the breaker only. */
  public <T> T once(Supplier<T> call) {
    return CircuitBreaker.decorateSupplier(breaker, call).get();
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  public Retry retry() {
    return retry;
  }

  /** UNAVAILABLE and DEADLINE_EXCEEDED are worth another try; everything else is an answer. */
  public static boolean isTransient(Throwable t) {
    if (t instanceof StatusRuntimeException sre) {
      Status.Code code = sre.getStatus().getCode();
      return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
    }
    return false;
  }
}
