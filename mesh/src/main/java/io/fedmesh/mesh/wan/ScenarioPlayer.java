package io.fedmesh.mesh.wan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays a scenario's timeline on a running mesh: timed events from {@link #start} on a timer,
 * round events when the watcher reports the rounds done ({@link #roundsDone}). Every change it
 * makes is kept ({@link #applied}) for the console and the report.
 */
public final class ScenarioPlayer implements AutoCloseable {
  /** A change made to the mesh: when (seconds after start, and the round then in progress) and what. */
  public record Applied(double atSeconds, int round, String type, String what) {}

  private final Scenario scenario;
  private final int siteCount;
  private final int rounds;
  private final ScenarioSites sites;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "fedmesh-scenario");
    t.setDaemon(true);
    return t;
  });
  private final List<Applied> applied = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Applied> unseen = new ConcurrentLinkedQueue<>();
  private final Set<Integer> firedRoundEvents = new HashSet<>();
  private volatile long startNanos;
  private volatile int roundsDone;

  public ScenarioPlayer(Scenario scenario, int siteCount, int rounds, ScenarioSites sites) {
    this.scenario = scenario;
    this.siteCount = siteCount;
    this.rounds = rounds;
    this.sites = sites;
  }

  public Scenario scenario() {
    return scenario;
  }

  /** Starts the clock of timed events and fires what is due at the start (atRound 1, atSeconds 0). */
  public void start() {
    startNanos = System.nanoTime();
    for (Scenario.Event e : scenario.events) {
      if (e.atSeconds != null) {
        timer.schedule(() -> fire(e), (long) (e.atSeconds * 1000), TimeUnit.MILLISECONDS);
      }
    }
    roundsDone(0);
  }

  /** {@code done} rounds have finished: fires the round events of round {@code done + 1} and earlier. */
  public synchronized void roundsDone(int done) {
    roundsDone = done;
    for (int i = 0; i < scenario.events.size(); i++) {
      Scenario.Event e = scenario.events.get(i);
      Integer at = Scenario.startRound(e, rounds);
      if (at != null && at <= done + 1 && firedRoundEvents.add(i)) {
        timer.execute(() -> fire(e));
      }
    }
  }

  private void fire(Scenario.Event e) {
    List<String> targets = Scenario.targets(e, siteCount);
    switch (e.type) {
      case bandwidth -> {
        List<String> changes = new ArrayList<>();
        for (String s : targets) {
          WanLink link = sites.link(s);
          if (link != null) {
            double before = link.profile().bandwidthMbps();
            double after = e.bandwidthMbps != null ? e.bandwidthMbps : before * e.factor;
            link.conditions().bandwidth(after);
            changes.add(s + " " + fmt(before) + "->" + fmt(after));
          }
        }
        record("bandwidth", "bandwidth (Mbit/s) " + String.join(", ", changes));
      }
      case partition -> {
        targets.forEach(s -> partition(s));
        record("partition", String.join(", ", targets) + " cut off for " + fmt(e.durationSeconds) + " s");
        timer.schedule(() -> {
          targets.forEach(this::heal);
          record("heal", String.join(", ", targets) + " reconnected");
        }, (long) (e.durationSeconds * 1000), TimeUnit.MILLISECONDS);
      }
      case flap -> {
        record("flap", String.join(", ", targets) + " flapping: down " + fmt(e.downSeconds) + " s of every " + fmt(e.periodSeconds) + " s"
            + (e.durationSeconds == null ? "" : " for " + fmt(e.durationSeconds) + " s"));
        long endNanos = e.durationSeconds == null ? Long.MAX_VALUE : System.nanoTime() + (long) (e.durationSeconds * 1e9);
        timer.scheduleAtFixedRate(() -> {
          if (System.nanoTime() < endNanos) {
            targets.forEach(this::partition);
            record("down", String.join(", ", targets) + " down (flap)");
            timer.schedule(() -> {
              targets.forEach(this::heal);
              record("up", String.join(", ", targets) + " up (flap)");
            }, (long) (e.downSeconds * 1000), TimeUnit.MILLISECONDS);
          }
        }, 0, (long) (e.periodSeconds * 1000), TimeUnit.MILLISECONDS);
      }
      case leave -> {
        targets.forEach(sites::leave);
        record("leave", String.join(", ", targets) + " left (agent stopped)");
      }
      case join -> {
        targets.forEach(sites::join);
        record("join", String.join(", ", targets) + " joined (agent started)");
      }
    }
  }

  private void partition(String site) {
    WanLink link = sites.link(site);
    if (link != null) {
      link.partition();
    }
  }

  private void heal(String site) {
    WanLink link = sites.link(site);
    if (link != null) {
      link.heal();
    }
  }

  private void record(String type, String what) {
    Applied a = new Applied(Math.round((System.nanoTime() - startNanos) / 1e7) / 100.0, roundsDone + 1, type, what);
    applied.add(a);
    unseen.add(a);
  }

  /** Every change made so far, in order. */
  public List<Applied> applied() {
    return List.copyOf(applied);
  }

  /** The changes made since the last call (for the console). */
  public List<Applied> drainNew() {
    List<Applied> out = new ArrayList<>();
    for (Applied a; (a = unseen.poll()) != null; ) {
      out.add(a);
    }
    return out;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format("%.2f", v);
  }

  /** Stops the timeline; links are healed so the mesh can wind down. */
  @Override
  public void close() {
    timer.shutdownNow();
    for (int i = 0; i < siteCount; i++) {
      heal("site-" + i);
    }
  }
}
