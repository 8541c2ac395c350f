package io.fedmesh.hpc.apps;

import java.nio.file.Path;
import java.util.Map;

/**
 * What one task gives its application, already checked by {@link ApplicationParameters}.
 *
 * @param index the task's position in the request (the {@code {taskIndex}} parameter)
 * @param point the task's sweep point ({@code TaskSpec.params})
 * @param options the burst's {@code application_options}
 * @param outputCsv where the task writes its samples, inside the burst's output directory
 * @param workDir the burst's scratch directory
 */
public record TaskInvocation(String task, int index, Map<String, Double> point, Map<String, String> options, int ranks,
    int gpus, Path outputCsv, Path workDir) {
  public TaskInvocation {
    point = Map.copyOf(point);
    options = Map.copyOf(options);
  }
}
