package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * logback.xml (fedmesh-common) silences the warnings that are noise on every run, by the classes
 * that log them: fabric8's "unstable version 'v1alpha1'" and DJL's GPU probe without a GPU.
 */
class LogNoiseTest {
  @Test
  void theNoisyLoggersSayOnlyErrorsAndOthersStillWarn() {
    assertThat(LoggerFactory.getLogger(io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils.class).isWarnEnabled()).isFalse();
    assertThat(LoggerFactory.getLogger(ai.djl.util.cuda.CudaUtils.class).isWarnEnabled()).isFalse();
    assertThat(LoggerFactory.getLogger(ai.djl.util.cuda.CudaUtils.class).isErrorEnabled()).isTrue();
    assertThat(LoggerFactory.getLogger("io.fabric8.kubernetes.client.Config").isWarnEnabled()).isTrue();
  }
}
