package io.fedmesh.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A data set held at a site; the raw data never leaves it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DatasetRef {
  @Required
  @JsonPropertyDescription("Name of the data set, unique at the site.")
  public String name;

  @Min(0)
  @JsonPropertyDescription("Number of samples (rows).")
  public Long samples;

  @Min(0)
  @JsonPropertyDescription("Number of feature columns, as reported by the agent.")
  public Integer features;

  @Default("csv")
  @Pattern("^(csv|idx|imageFolder)$")
  @JsonPropertyDescription("How the data is stored: csv (CSV files), idx (MNIST IDX image and label files, gzip or not) or"
      + " imageFolder (one subfolder of PNG or JPEG images per class).")
  public String format;
}
