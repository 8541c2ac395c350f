package io.fedmesh.operator.coordinator;

import io.fedmesh.api.v1alpha1.FedmeshApi;
import io.fedmesh.common.codec.SparseDelta;
import io.fedmesh.common.codec.TensorEncodings;
import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import java.util.Optional;

/**
 * What an update must be before the coordinator spends memory on it or lets it near an aggregate:
 * expected (its site was selected for that open round), shaped like the round's model, declaring
 * exactly the bytes that shape takes in its encoding, and after decoding finite everywhere, with a
 * sample count the site can have. A refusal names the field and is the sender's alone: the round
 * goes on with the others, and a refusal to a stranger says nothing about rounds or versions.
 */
final class UpdateAdmission {
  /** More samples than any one site holds: a claim above it would take over a weighted average. */
  static final long MAX_SAMPLES = 1_000_000_000L;

  private final Federation federation;

  UpdateAdmission(Federation federation) {
    this.federation = federation;
  }

  /** Why the header is refused before any payload is read, or empty when the payload may come. */
  Optional<String> header(UpdateHeader h) {
    String expectedKey = h.getTraining() + "/" + h.getRound() + "/" + h.getSiteName();
    if (!expectedKey.equals(h.getIdempotencyKey())) {
      return Optional.of("idempotency_key must be training/round/site: expected " + expectedKey);
    }
    var buffer = federation.inbox.buffer(h.getTraining()).orElse(null);
    if (buffer != null) { // BufferedAsync: several rounds deliver, a stale one is refused by name
      Optional<String> unexpected = buffer.unexpected(h.getSiteName(), h.getRound());
      if (unexpected.isPresent()) {
        return Optional.of("update " + expectedKey + " is not taken: " + unexpected.get());
      }
    } else if (!federation.inbox.expects(h.getTraining(), h.getRound(), h.getSiteName())) {
      return Optional.of("update " + expectedKey + " is not expected: site " + h.getSiteName() + " has no open assignment for it");
    }
    PublishedModels.Published model = federation.models.get(h.getTraining()).orElse(null);
    if (model == null) {
      return Optional.of("update " + expectedKey + " is not expected: no model is published for it");
    }
    long parameters = model.spec().parameterCount();
    if (h.getNumParameters() != parameters) {
      return Optional.of("num_parameters " + h.getNumParameters() + " does not match the round's model (" + parameters
          + " parameters): train the model the assignment names");
    }
    String base = buffer == null ? model.version() : buffer.versionName(h.getRound());
    if (!h.getBaseModelVersion().isEmpty() && !h.getBaseModelVersion().equals(base)) {
      return Optional.of("base_model_version " + h.getBaseModelVersion() + " is not the model this round trains");
    }
    UpdateEncoding encoding;
    try {
      encoding = UpdateEncoding.fromProto(h.getEncoding());
    } catch (IllegalArgumentException e) {
      return Optional.of("encoding: " + e.getMessage());
    }
    if (encoding.isDelta()) {
      Optional<String> sparse = sparse(h, parameters, base);
      if (sparse.isPresent()) {
        return sparse;
      }
    } else if (h.getSparseValues() != 0) {
      return Optional.of("sparse_values must be 0 for a dense " + encoding + " update (got " + h.getSparseValues() + ")");
    }
    long expectedBytes;
    if (h.getTensorEncodingsCount() > 0) {
      Optional<String> perTensor = perTensor(h, encoding, model.spec().layout());
      if (perTensor.isPresent()) {
        return perTensor;
      }
      expectedBytes = TensorEncodings.encodedSize(model.spec().layout(), tensorEncodings(h));
    } else {
      expectedBytes = encoding.isDelta() ? SparseDelta.encodedSize(h.getSparseValues()) : UpdateCodec.encodedSize((int) parameters, encoding);
    }
    if (h.getTotalBytes() != expectedBytes) {
      return Optional.of("total_bytes " + h.getTotalBytes() + " is not what " + parameters + " parameters take in " + encoding
          + " (" + expectedBytes + ")");
    }
    if (h.getSamples() < 1 || h.getSamples() > MAX_SAMPLES) {
      return Optional.of("samples " + h.getSamples() + " must be between 1 and " + MAX_SAMPLES);
    }
    String namespace = h.getTraining().substring(0, Math.max(0, h.getTraining().indexOf('/')));
    SiteSession site = federation.sites.get(namespace, h.getSiteName()).orElse(null);
    boolean learner = site != null && FedmeshApi.ROLE_SIMULATION_LEARNER.equals(site.labels.get(FedmeshApi.LABEL_ROLE));
    if (site != null && !learner && site.samples() > 0 && h.getSamples() > site.samples()) {
      return Optional.of("samples " + h.getSamples() + " exceed the " + site.samples() + " the site reports in its data sets");
    }
    if (h.getHeldOutSamples() < 0 || h.getHeldOutSamples() > MAX_SAMPLES
        || (site != null && !learner && site.samples() > 0 && h.getHeldOutSamples() + h.getSamples() > site.samples())) {
      return Optional.of("held_out_samples " + h.getHeldOutSamples() + " and samples " + h.getSamples()
          + " together must not exceed the samples the site reports in its data sets");
    }
    if (h.getHeldOutSamples() > 0 && (!Double.isFinite(h.getHeldOutMetric()) || !Double.isFinite(h.getHeldOutLoss()))) {
      return Optional.of("held_out_metric and held_out_loss must be finite (got " + h.getHeldOutMetric() + ", "
          + h.getHeldOutLoss() + ")");
    }
    if (!Double.isFinite(h.getTrainLoss()) || !Double.isFinite(h.getLocalMetric())) {
      return Optional.of("train_loss and local_metric must be finite (got " + h.getTrainLoss() + ", " + h.getLocalMetric() + ")");
    }
    return Optional.empty();
  }

  /**
   * A top-k delta is applied to its base, so it must name the version it was trained from: the
   * published one in a synchronous round, the one its assignment handed out under BufferedAsync
   * (older than the published one when other updates folded meanwhile; the receiver reads it from
   * its checkpoint). Its count must be what a sparse update can carry.
   */
  private static Optional<String> sparse(UpdateHeader h, long parameters, String base) {
    if (!base.equals(h.getBaseModelVersion())) {
      return Optional.of("a top-k update must name its base_model_version, the model " + base + " its assignment trains"
          + " (got '" + h.getBaseModelVersion() + "'): send it dense");
    }
    long max = SparseDelta.maxValues(parameters);
    if (h.getSparseValues() < 1 || h.getSparseValues() > max) {
      return Optional.of("sparse_values " + h.getSparseValues() + " must be between 1 and " + max + " (half the " + parameters
          + " parameters; above it send f32)");
    }
    return Optional.empty();
  }

  /** Why a per-tensor update's encodings do not fit the round's model, or empty. */
  private static Optional<String> perTensor(UpdateHeader h, UpdateEncoding encoding, io.fedmesh.common.model.TensorLayout layout) {
    if (encoding.isDelta()) {
      return Optional.of("tensor_encodings is for a dense update; a " + encoding + " update has none");
    }
    for (int i = 0; i < h.getTensorEncodingsCount(); i++) {
      var e = h.getTensorEncodings(i);
      if (e == io.fedmesh.proto.federation.v1.Encoding.ENCODING_UNSPECIFIED || e == io.fedmesh.proto.federation.v1.Encoding.UNRECOGNIZED) {
        return Optional.of("tensor_encodings[" + i + "] is not an encoding (f32, f16 or q8)");
      }
    }
    return Optional.ofNullable(layout == null ? "the round's model has no tensor layout: send the update without tensor_encodings"
        : TensorEncodings.problem(layout, tensorEncodings(h)));
  }

  /** The header's per-tensor encodings (admitted: every one a dense encoding). */
  static java.util.List<UpdateEncoding> tensorEncodings(UpdateHeader h) {
    return h.getTensorEncodingsList().stream().map(UpdateEncoding::fromProto).toList();
  }

  /** Why the decoded weights are refused (a NaN or infinity would poison the aggregate), or empty. */
  static Optional<String> weights(float[] w) {
    for (int i = 0; i < w.length; i++) {
      if (!Float.isFinite(w[i])) {
        return Optional.of("weights must be finite: parameter " + i + " is " + w[i]);
      }
    }
    return Optional.empty();
  }
}
