package io.fedmesh.operator.validation;

import java.util.List;

/** Problems found in a spec; each names the field and the fix. Empty means valid. */
public record ValidationResult(List<String> problems) {
  public boolean ok() {
    return problems.isEmpty();
  }

  public String message() {
    return String.join("; ", problems);
  }
}
