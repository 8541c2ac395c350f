package io.fedmesh.common.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** --log-format of the operator, agent and bridge: text (the pattern of logback.xml) or json (one object per line). */
public enum LogFormat {
  TEXT, JSON;

  /** The pattern of logback.xml's text lines. */
  public static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level [%logger{0}] %msg%n";

  /** Reads --log-format; anything but json or text is refused by name. */
  public static LogFormat parse(String value) {
    if (value != null) {
      for (LogFormat f : values()) {
        if (f.name().equalsIgnoreCase(value.trim())) {
          return f;
        }
      }
    }
    throw new IllegalArgumentException("--log-format must be json or text (got '" + value + "')");
  }

  /** Switches every appender of the root logger to this format; text leaves logback.xml's as they are. */
  public void apply(Map<String, String> fields) {
    if (this == TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> out) {
        out.setEncoder(encoder(ctx, fields));
      }
    }
  }

  /** An encoder of this format for an appender made in code (the local mesh's operator log file). */
  public Encoder<ILoggingEvent> encoder(LoggerContext ctx, Map<String, String> fields) {
    if (this == TEXT) {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setContext(ctx);
      text.setPattern(TEXT_PATTERN);
      text.start();
      return text;
    }
    JsonLineLayout layout = new JsonLineLayout(fields);
    layout.setContext(ctx);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> json = new LayoutWrappingEncoder<>();
    json.setContext(ctx);
    json.setLayout(layout);
    json.start();
    return json;
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
