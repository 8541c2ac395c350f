package io.fedmesh.common.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** --log-format json through a real logback logger: one parseable object per line, the resource named. */
class JsonLineLayoutTest {
  // the real context: its MDC adapter is the one org.slf4j.MDC writes to
  final LoggerContext ctx = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
  final ByteArrayOutputStream out = new ByteArrayOutputStream();

  Logger logger() {
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(ctx);
    appender.setEncoder(LogFormat.JSON.encoder(ctx, Map.of("component", "agent", "site", "site-a")));
    appender.setOutputStream(out);
    appender.start();
    Logger log = ctx.getLogger("io.fedmesh.test.json");
    log.setAdditive(false);
    log.addAppender(appender);
    return log;
  }

  List<JsonNode> lines() throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      lines.add(new ObjectMapper().readTree(line));
    }
    return lines;
  }

  @Test
  void eachEventIsOneObjectWithTheResourceAndTheProcessFields() throws Exception {
    Logger log = logger();
    MDC.put("resource.kind", "FederatedTraining");
    MDC.put("resource.namespace", "default");
    MDC.put("resource.name", "ft");
    try {
      log.info("round {} done", 3);
    } finally {
      MDC.clear();
    }
    MDC.put(JsonLineLayout.RESOURCE, "default/other");
    try {
      log.warn("a \"quoted\"\nsecond line", new IllegalStateException("broken"));
    } finally {
      MDC.clear();
    }
    log.error("no resource");

    List<JsonNode> lines = lines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).get("message").asText()).isEqualTo("round 3 done");
    assertThat(lines.get(0).get("level").asText()).isEqualTo("INFO");
    assertThat(lines.get(0).get("resource").asText()).isEqualTo("FederatedTraining default/ft");
    assertThat(lines.get(0).get("site").asText()).isEqualTo("site-a");
    assertThat(lines.get(0).get("component").asText()).isEqualTo("agent");
    assertThat(lines.get(1).get("resource").asText()).isEqualTo("default/other");
    assertThat(lines.get(1).get("message").asText()).isEqualTo("a \"quoted\"\nsecond line");
    assertThat(lines.get(1).get("error").asText()).contains("IllegalStateException: broken");
    assertThat(lines.get(2).has("resource")).isFalse();
  }

  @Test
  void anUnknownFormatIsRefusedByName() {
    assertThat(LogFormat.parse("JSON")).isEqualTo(LogFormat.JSON);
    assertThat(LogFormat.parse("text")).isEqualTo(LogFormat.TEXT);
    assertThatThrownBy(() -> LogFormat.parse("xml")).hasMessageContaining("--log-format must be json or text (got 'xml')");
  }
}
