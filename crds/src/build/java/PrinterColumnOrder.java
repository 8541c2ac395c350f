import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Build step of the crds module (run by antrun right after fabric8's CRD generator): puts each
 * CRD's additionalPrinterColumns in the order the kind class declares its
 * {@code @AdditionalPrinterColumn}s. The generator sorts them by jsonPath, so `kubectl get ft`
 * would read AGE, SITES, METRIC, PHASE, ROUND instead of PHASE, ROUND, METRIC, SITES, AGE.
 * Only the column items move; every other byte of the file stays as generated.
 *
 * <p>Arguments: the directory of generated CRDs, the Java package of the kinds.
 */
public final class PrinterColumnOrder {
  private static final Pattern KIND = Pattern.compile("(?m)^    kind: \"([A-Za-z0-9]+)\"$");
  private static final Pattern NAME = Pattern.compile("(?m)^      name: \"([^\"]+)\"$");
  private static final String BLOCK = "  - additionalPrinterColumns:\n";

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String pkg = args[1];
    Class<? extends Annotation> column = Class.forName("io.fabric8.crd.generator.annotation.AdditionalPrinterColumn")
        .asSubclass(Annotation.class);
    Method name = column.getMethod("name");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith("-v1.yml")).sorted().toList()) {
        String yaml = Files.readString(file, StandardCharsets.UTF_8);
        Matcher kind = KIND.matcher(yaml);
        if (!kind.find()) {
          throw new IllegalStateException(file + ": no spec.names.kind");
        }
        List<String> declared = new ArrayList<>();
        // not initialized: only its annotations are read
        Class<?> type = Class.forName(pkg + "." + kind.group(1), false, PrinterColumnOrder.class.getClassLoader());
        for (Annotation a : type.getAnnotationsByType(column)) {
          declared.add((String) name.invoke(a));
        }
        String reordered = reorder(yaml, declared, file);
        if (!reordered.equals(yaml)) {
          Files.writeString(file, reordered, StandardCharsets.UTF_8);
        }
      }
    }
  }

  static String reorder(String yaml, List<String> declared, Path file) {
    int start = yaml.indexOf(BLOCK);
    if (start < 0 || declared.isEmpty()) {
      return yaml;
    }
    int from = start + BLOCK.length();
    int end = from;
    List<String> items = new ArrayList<>();
    while (end < yaml.length() && (yaml.startsWith("    - ", end) || yaml.startsWith("      ", end))) {
      int eol = yaml.indexOf('\n', end) + 1;
      if (yaml.startsWith("    - ", end)) {
        items.add("");
      }
      items.set(items.size() - 1, items.get(items.size() - 1) + yaml.substring(end, eol));
      end = eol;
    }
    if (items.size() != declared.size()) {
      throw new IllegalStateException(file + ": " + items.size() + " printer columns generated, " + declared.size() + " declared");
    }
    String[] ordered = new String[items.size()];
    for (String item : items) {
      Matcher n = NAME.matcher(item);
      int at = n.find() ? declared.indexOf(n.group(1)) : -1;
      if (at < 0) {
        throw new IllegalStateException(file + ": generated printer column not declared: " + item.strip());
      }
      ordered[at] = item;
    }
    return yaml.substring(0, from) + String.join("", ordered) + yaml.substring(end);
  }

  private PrinterColumnOrder() {}
}
