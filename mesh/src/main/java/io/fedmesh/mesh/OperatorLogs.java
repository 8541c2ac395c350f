package io.fedmesh.mesh;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import io.fedmesh.common.logging.LogFormat;
import java.nio.file.Path;
import java.util.Map;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/** The local mesh's logging: everything to a file, only errors to the terminal unless --verbose. */
final class OperatorLogs {
  private OperatorLogs() {}

  /** @param format of the file (--log-format); the terminal keeps text */
  static void routeTo(Path file, boolean verbose, LogFormat format) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
    fileAppender.setContext(ctx);
    fileAppender.setFile(file.toString());
    // the operator and, with --hpc, the bridge run in this process
    fileAppender.setEncoder(format.encoder(ctx, Map.of("component", "operator")));
    fileAppender.start();
    root.addAppender(fileAppender);
    if (verbose) {
      return;
    }
    // the emulated WAN logs every reset connection (a killed site) with a stack trace
    ctx.getLogger("org.netcrusher").setLevel(Level.OFF);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      Appender<ILoggingEvent> a = it.next();
      if (a != fileAppender) {
        ThresholdFilter errorsOnly = new ThresholdFilter();
        errorsOnly.setLevel(Level.ERROR.toString());
        errorsOnly.start();
        a.addFilter(errorsOnly);
      }
    }
  }
}
