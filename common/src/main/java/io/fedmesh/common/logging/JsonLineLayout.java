package io.fedmesh.common.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;

/**
 * One JSON object per line (--log-format json): time, level, logger, thread, the process's fixed
 * fields (component, site), the resource the event is about where the MDC names it, message and
 * error. Jackson escapes newlines, so a stack trace stays on its line.
 */
public final class JsonLineLayout extends LayoutBase<ILoggingEvent> {
  /** MDC key fedmesh code sets to the resource ("namespace/name") a piece of work is about. */
  public static final String RESOURCE = "resource";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> fields;

  /** @param fields added to every line, e.g. component=agent, site=site-a */
  public JsonLineLayout(Map<String, String> fields) {
    this.fields = Map.copyOf(fields);
  }

  @Override
  public String doLayout(ILoggingEvent e) {
    ObjectNode line = JSON.createObjectNode();
    line.put("time", Instant.ofEpochMilli(e.getTimeStamp()).toString());
    line.put("level", e.getLevel().toString());
    line.put("logger", e.getLoggerName());
    line.put("thread", e.getThreadName());
    fields.forEach(line::put);
    String resource = resource(e.getMDCPropertyMap());
    if (resource != null) {
      line.put(RESOURCE, resource);
    }
    line.put("message", e.getFormattedMessage());
    IThrowableProxy error = e.getThrowableProxy();
    if (error != null) {
      line.put("error", ThrowableProxyUtil.asString(error));
    }
    return line + "\n";
  }

  /** Ours, else the one the operator SDK puts in the MDC while it reconciles ("Kind namespace/name"). */
  static String resource(Map<String, String> mdc) {
    if (mdc == null || mdc.isEmpty()) {
      return null;
    }
    if (mdc.get(RESOURCE) != null) {
      return mdc.get(RESOURCE);
    }
    String name = mdc.get("resource.name");
    if (name == null) {
      return null;
    }
    String namespace = mdc.get("resource.namespace");
    String kind = mdc.get("resource.kind");
    return (kind == null ? "" : kind + " ") + (namespace == null || namespace.isEmpty() ? "" : namespace + "/") + name;
  }
}
