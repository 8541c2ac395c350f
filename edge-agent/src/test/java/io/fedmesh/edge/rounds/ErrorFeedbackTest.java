package io.fedmesh.edge.rounds;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.common.codec.SparseDelta;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ErrorFeedbackTest {
  @Test
  void whatOneRoundLeavesOutIsSentLaterSoNothingIsLost() {
    ErrorFeedback feedback = new ErrorFeedback();
    int n = 100;
    float[] base = new float[n];
    float[] trained = new float[n];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < n; i++) {
      trained[i] = (float) r.nextGaussian();
    }
    // the same delta each round, 10 of 100 values sent: everything sent plus the residual is always every delta made
    double[] sent = new double[n];
    for (int round = 1; round <= 300; round++) {
      ErrorFeedback.Sparse s = feedback.encode("ns/t", base, trained, 10);
      float[] dense = SparseDelta.toDense(s.bytes(), s.values(), n);
      for (int i = 0; i < n; i++) {
        sent[i] += dense[i];
      }
      double owed = feedback.residualNorm("ns/t");
      double gap = 0;
      for (int i = 0; i < n; i++) {
        double d = round * (double) trained[i] - sent[i];
        gap += d * d;
      }
      assertThat(Math.sqrt(gap)).as("round " + round).isCloseTo(owed, org.assertj.core.data.Offset.offset(1e-3));
    }
    // and on average what was sent per round is the delta, the small coordinates' too, through their residual (without
    // the feedback the same 10 would be sent every round and the other 90 never: an error near 0.9)
    double error = 0;
    double norm = 0;
    for (int i = 0; i < n; i++) {
      error += Math.pow(sent[i] / 300 - trained[i], 2);
      norm += Math.pow(trained[i], 2);
    }
    assertThat(Math.sqrt(error / norm)).isLessThan(0.05);
    assertThat(feedback.residualNorm("other/t")).isZero();
  }

  @Test
  void aModelOfAnotherShapeStartsWithoutResidualAndAnOverflowSendsDense() {
    ErrorFeedback feedback = new ErrorFeedback();
    feedback.encode("ns/t", new float[4], new float[] {1, 2, 3, 4}, 1);
    assertThat(feedback.residualNorm("ns/t")).isGreaterThan(0);
    ErrorFeedback.Sparse fresh = feedback.encode("ns/t", new float[2], new float[] {1, 0}, 1);
    assertThat(SparseDelta.toDense(fresh.bytes(), 1, 2)).containsExactly(1f, 0f);
    assertThat(feedback.residualNorm("ns/t")).isZero();
    assertThat(feedback.encode("ns/t", new float[] {-Float.MAX_VALUE}, new float[] {Float.MAX_VALUE}, 1)).isNull();
  }
}
