package io.fedmesh.hpc.pilot;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The two append-only files through which the bridge and its pilot agent talk, one line per
 * message, fields separated by tabs and each field percent-encoded (so no field holds a tab or a
 * newline). {@code inbox} (bridge to agent): {@code task}, {@code cancel}, {@code end}.
 * {@code events} (agent to bridge): {@code ready}, {@code started}, {@code exited}, {@code timeout},
 * {@code error}. Each side treats the other's file as hostile: lines are bounded, names must be
 * task names, numbers must parse, and anything else is refused with the reason.
 */
public final class PilotProtocol {
  /** Longest line either side accepts (a task's argv with long paths fits many times over). */
  public static final int MAX_LINE = 256 * 1024;
  static final int MAX_ARGS = 4096;
  static final int MAX_WALLTIME_SECONDS = 7 * 24 * 3600;
  private static final Pattern TASK_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$");

  private PilotProtocol() {}

  /** A task to run: its argv, its log file, its $FEDMESH_OUTPUT (null for none), its walltime (0: none). */
  public record Task(String name, List<String> argv, Path log, Path output, int walltimeSeconds) {
    public Task {
      argv = List.copyOf(argv);
      requireName(name);
      if (argv.isEmpty() || argv.size() > MAX_ARGS) {
        throw new IllegalArgumentException("task " + name + ": argv must have 1 to " + MAX_ARGS + " words, has " + argv.size());
      }
      if (walltimeSeconds < 0 || walltimeSeconds > MAX_WALLTIME_SECONDS) {
        throw new IllegalArgumentException("task " + name + ": walltime must be 0 to " + MAX_WALLTIME_SECONDS + " s");
      }
      if (!log.isAbsolute() || (output != null && !output.isAbsolute())) {
        throw new IllegalArgumentException("task " + name + ": log and output must be absolute paths");
      }
    }
  }

  /** A line of the inbox. */
  public sealed interface Order permits RunTask, Cancel, End {}

  public record RunTask(Task task) implements Order {}

  /** Stop every task and leave the allocation. */
  public record Cancel() implements Order {}

  /** No more tasks: leave the allocation once the running ones end. */
  public record End() implements Order {}

  /** What the agent reports. */
  public enum EventKind { READY, STARTED, EXITED, TIMEOUT, ERROR }

  /**
   * A line of the events file: {@code ready <agent pid>}, {@code started <task> <pid>},
   * {@code exited <task> <exit code>}, {@code timeout <task> <walltime s>}, {@code error <task> <message>}.
   */
  public record Event(EventKind kind, String task, String value) {
    public int number() {
      return Integer.parseInt(value);
    }
  }

  public static String task(Task t) {
    List<String> f = new ArrayList<>(List.of("task", t.name(), Integer.toString(t.walltimeSeconds()), t.log().toString(),
        t.output() == null ? "" : t.output().toString()));
    f.addAll(t.argv());
    return join(f);
  }

  public static String cancel() {
    return "cancel\n";
  }

  public static String end() {
    return "end\n";
  }

  public static String event(EventKind kind, String task, String value) {
    return kind == EventKind.READY ? join(List.of("ready", value)) : join(List.of(kind.name().toLowerCase(), task, value));
  }

  /** @throws IllegalArgumentException saying what is wrong with the line */
  public static Order order(String line) {
    String[] f = split(line);
    switch (f[0]) {
      case "cancel":
        return new Cancel();
      case "end":
        return new End();
      case "task":
        if (f.length < 6) {
          throw new IllegalArgumentException("a task line needs name, walltime, log, output and at least one argv word");
        }
        return new RunTask(new Task(f[1], List.of(f).subList(5, f.length), Path.of(f[3]), f[4].isEmpty() ? null : Path.of(f[4]),
            integer("walltime", f[2])));
      default:
        throw new IllegalArgumentException("unknown order '" + shortened(f[0]) + "' (task, cancel, end)");
    }
  }

  /** @throws IllegalArgumentException saying what is wrong with the line */
  public static Event parseEvent(String line) {
    String[] f = split(line);
    EventKind kind = switch (f[0]) {
      case "ready" -> EventKind.READY;
      case "started" -> EventKind.STARTED;
      case "exited" -> EventKind.EXITED;
      case "timeout" -> EventKind.TIMEOUT;
      case "error" -> EventKind.ERROR;
      default -> throw new IllegalArgumentException("unknown event '" + shortened(f[0]) + "'");
    };
    if (kind == EventKind.READY) {
      if (f.length != 2) {
        throw new IllegalArgumentException("ready needs the agent's pid");
      }
      integerOrLong(f[1]);
      return new Event(kind, null, f[1]);
    }
    if (f.length != 3) {
      throw new IllegalArgumentException(f[0] + " needs a task and one value");
    }
    requireName(f[1]);
    if (kind == EventKind.STARTED) {
      integerOrLong(f[2]);
    } else if (kind != EventKind.ERROR) {
      integer(f[0], f[2]);
    }
    return new Event(kind, f[1], f[2]);
  }

  /** Whether {@code name} is a task name a pilot runs. */
  public static Optional<String> nameProblem(String name) {
    return TASK_NAME.matcher(name).matches() ? Optional.empty()
        : Optional.of("'" + shortened(name) + "' is not a task name (1 to 63 letters, digits, '_', '.', '-')");
  }

  private static void requireName(String name) {
    nameProblem(name).ifPresent(p -> {
      throw new IllegalArgumentException(p);
    });
  }

  private static String join(List<String> fields) {
    StringBuilder b = new StringBuilder();
    for (String f : fields) {
      if (b.length() > 0) {
        b.append('\t');
      }
      b.append(URLEncoder.encode(f, StandardCharsets.UTF_8));
    }
    if (b.length() >= MAX_LINE) {
      throw new IllegalArgumentException("a pilot line must be shorter than " + MAX_LINE + " bytes, this one has " + b.length());
    }
    return b.append('\n').toString();
  }

  private static String[] split(String line) {
    if (line.length() >= MAX_LINE) {
      throw new IllegalArgumentException("line longer than " + MAX_LINE + " bytes");
    }
    String[] raw = line.split("\t", -1);
    if (raw.length > MAX_ARGS + 5) {
      throw new IllegalArgumentException("line has more than " + (MAX_ARGS + 5) + " fields");
    }
    String[] f = new String[raw.length];
    for (int i = 0; i < raw.length; i++) {
      f[i] = URLDecoder.decode(raw[i], StandardCharsets.UTF_8);
      if (f[i].chars().anyMatch(c -> c == 0 || c == '\n')) {
        throw new IllegalArgumentException("field " + i + " holds a NUL or newline");
      }
    }
    return f;
  }

  private static int integer(String what, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " '" + shortened(v) + "' is not a whole number");
    }
  }

  private static void integerOrLong(String v) {
    try {
      Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + shortened(v) + "' is not a whole number");
    }
  }

  private static String shortened(String s) {
    String printable = s.replaceAll("\\p{Cntrl}", "?");
    return printable.length() <= 40 ? printable : printable.substring(0, 40) + "...";
  }
}
