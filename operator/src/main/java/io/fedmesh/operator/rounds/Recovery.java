package io.fedmesh.operator.rounds;

import io.fedmesh.operator.checkpoint.AcceptedUpdateStore;
import java.util.List;
import java.util.Set;

/**
 * What a restarted operator found of a training's open round: the updates the previous process
 * acknowledged (read back from the durable inbox) and the sites that round had selected, so the
 * resumed round counts the former and records the latter as missed if they never deliver.
 */
record Recovery(int round, List<AcceptedUpdateStore.Stored> updates, Set<String> participants) {}
