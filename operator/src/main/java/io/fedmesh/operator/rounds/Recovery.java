package io.fedmesh.operator.rounds;

import java.util.Set;

/**
 * What a restarted operator found of a training's open round: the updates the previous process
 * acknowledged (the sites whose updates read back from the durable inbox; their weights stay on
 * disk until the round reopens and folds them one at a time) and the sites that round had
 * selected, so the resumed round counts the former and records the latter as missed if they never
 * deliver.
 */
record Recovery(int round, Set<String> delivered, Set<String> participants) {}
