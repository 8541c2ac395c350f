package io.fedmesh.bench.robust;

/**
 * What a hostile site does to its honestly trained update: it sends {@code global + factor x delta}.
 * A factor of -1 is a sign flip (the same norm as an honest update, so a norm bound cannot see it);
 * a large negative factor is a scaled update that drags a plain mean backwards.
 */
record Attack(String name, double factor) {
  static final Attack SCALED = new Attack("scaled x-10", -10);
  static final Attack SIGN_FLIPPED = new Attack("sign-flipped", -1);

  float[] apply(float[] global, float[] trained) {
    float[] out = new float[global.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (global[i] + factor * ((double) trained[i] - global[i]));
    }
    return out;
  }
}
