package io.fedmesh.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/**
 * The operator's forecast of a site's next round time, made from what the site measured in its
 * last round (compute rate, link), and how far the previous forecast was from what happened.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RoundForecast {
  @JsonPropertyDescription("The FederatedTraining (namespace/name) whose round the forecast is for.")
  public String training;

  @Min(0)
  @JsonPropertyDescription("The round whose measurements made this forecast.")
  public Integer fromRound;

  @Min(0)
  @JsonPropertyDescription("Measured: samples trained per second in that round, every epoch counted.")
  public Double samplesPerSecond;

  @Min(0)
  @JsonPropertyDescription("Measured: model download throughput in Mbit/s.")
  public Double downloadMbps;

  @Min(0)
  @JsonPropertyDescription("Measured: update upload throughput in Mbit/s, as the agent timed its last upload.")
  public Double uploadMbps;

  @Min(0)
  @JsonPropertyDescription("Measured: heartbeat round-trip time in ms.")
  public Double rttMs;

  @JsonPropertyDescription("The encoding of the site's last update, which the upload time assumes (f32, f16, q8, topk; \"q8 per tensor, 3 of 10 tensors f32\" for one sent tensor by tensor).")
  public String encoding;

  @Min(0)
  @JsonPropertyDescription("Forecast: seconds of local training (samples x epochs over the measured rate).")
  public Double computeSeconds;

  @Min(0)
  @JsonPropertyDescription("Forecast: seconds to download the global model (bytes over the measured throughput, plus one RTT).")
  public Double downloadSeconds;

  @Min(0)
  @JsonPropertyDescription("Forecast: seconds to upload the update at its encoding (plus one RTT).")
  public Double uploadSeconds;

  @Min(0)
  @JsonPropertyDescription("Forecast of the site's next round time: compute + download + upload.")
  public Double nextRoundSeconds;

  @Min(0)
  @JsonPropertyDescription("The previous forecast's round time, for the round just observed.")
  public Double lastForecastSeconds;

  @Min(0)
  @JsonPropertyDescription("The site's observed time on the round just finished (assignment to update received).")
  public Double lastObservedSeconds;

  @JsonPropertyDescription("Observed minus forecast, in seconds (positive: the site was slower than forecast).")
  public Double lastErrorSeconds;
}
