package io.fleetscaler.simulator;

import io.fleetscaler.core.planner.InstanceInfo;
import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.scaler.Acquisition;
import io.fleetscaler.core.scaler.ReserveResult;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.simulator.trace.JobTrace;
import io.fleetscaler.simulator.trace.TraceJob;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The discrete-event loop behind {@link Simulation#run}.
 *
 * <p>Each step jumps the virtual clock to the next event: a job's end, a job's arrival, the
 * scaler's next loop step ({@link TaskScaler#nextTickAt()}, the daemon's cadence), a change the
 * cloud makes by itself ({@link SimulatedInstanceGroup#nextTransitionAt()}), or the deadline of the
 * longest-queued job. At one instant it handles ends first (so a slot freed now serves a job
 * arriving now), then arrivals, then the loop step. Between steps nothing changes, so the levels
 * sampled after a step hold until the next one and the {@link Timeline} integral is exact.
 *
 * <p>Jobs behave as a runner manager's do. A job arriving joins the queue (the CI server's). The
 * head of the queue calls {@link TaskScaler#reserve}: refused ({@code preemptive_mode} with no
 * ready idle slot, or the fleet's maximum reached) it stays queued and tries again after the next
 * release or loop step, as a runner polling for jobs would (polling is taken as instant, which
 * flatters no configuration over another). Reserved, it acquires at once; when the slot is its, it
 * runs for its duration and releases. Time starts when it arrives.
 *
 * <p>Not thread-safe; one replay per instance.
 */
final class Replay {

  /** A job from arrival to end; mutable, owned by the loop. */
  private static final class Job {
    final long seq;
    final String key;
    final long arrival;
    final long duration;
    long end;
    @Nullable String instanceId;
    boolean lost;

    Job(long seq, TraceJob job) {
      this.seq = seq;
      this.key = "job-" + seq;
      this.arrival = job.arrivalMillis() * 1_000_000;
      this.duration = job.durationMillis() * 1_000_000;
    }
  }

  private static final Comparator<Job> BY_END =
      Comparator.<Job>comparingLong(j -> j.end).thenComparingLong(j -> j.seq);

  private final Scenario scenario;
  private final JobTrace trace;
  private final ManualClock clock;
  private final SimulatedInstanceGroup cloud;
  private final Timeline timeline;
  private final WaitHistogram waits = new WaitHistogram();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final long acquireTimeout;

  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private final PriorityQueue<Job> ends = new PriorityQueue<>(BY_END);
  private final Map<String, Integer> jobsOn = new HashMap<>();
  private Set<String> inService = Set.of();
  // Some instance runs in the cloud but is not in service yet: the next loop step may take it in.
  private boolean awaitingService;
  private @Nullable TraceJob nextArrival;
  private long now;
  private long jobs;
  private int acquiring;
  private int running;
  private long timedOut;
  private long interrupted;
  private long events;

  Replay(Scenario scenario, JobTrace trace, MinuteListener minutes) {
    this.scenario = scenario;
    this.trace = trace;
    this.clock = new ManualClock(scenario.start());
    this.cloud = new SimulatedInstanceGroup(clock);
    this.timeline = new Timeline(scenario.start(), minutes);
    this.acquireTimeout = scenario.acquireTimeout().toNanos();
  }

  SimulationResult run() throws IOException {
    long wallStart = System.nanoTime();
    TaskScaler scaler =
        scenario
            .scaler()
            .apply(TaskScaler.builder(cloud))
            .plugin(Settings.defaults(), scenario.cloud().toJson())
            .clock(clock)
            .manualTicks()
            .inlinePluginCalls() // the simulated cloud is in memory: no deadline, no thread hop
            .randomSeed(scenario.cloud().seed())
            .meterRegistry(registry)
            .build();
    try {
      nextArrival = trace.next();
      sample();
      while (!finished()) {
        long cloudNext = nanos(cloud.nextTransitionAt());
        long next = nextEvent(scaler, cloudNext);
        timeline.advance(next);
        now = next;
        clock.set(instant(now));
        if (now == cloudNext) {
          events++;
          awaitingService = true; // an instance may have finished booting just now
        }
        step(scaler);
        sample();
      }
      timeline.finish();
    } finally {
      scaler.shutdown();
    }
    return result(Duration.ofNanos(System.nanoTime() - wallStart));
  }

  private boolean finished() {
    return nextArrival == null && queue.isEmpty() && acquiring == 0 && ends.isEmpty();
  }

  private long nextEvent(TaskScaler scaler, long cloudNext) {
    long next = nanos(scaler.nextTickAt());
    next = Math.min(next, cloudNext);
    Job firstEnd = ends.peek();
    if (firstEnd != null) {
      next = Math.min(next, firstEnd.end);
    }
    TraceJob arrival = nextArrival;
    if (arrival != null) {
      next = Math.min(next, arrival.arrivalMillis() * 1_000_000);
    }
    Job head = queue.peekFirst();
    if (head != null) {
      next = Math.min(next, head.arrival + acquireTimeout);
    }
    // Never step back: an event due in the past (a tick due now) is handled now.
    return Math.max(next, now);
  }

  private void step(TaskScaler scaler) throws IOException {
    boolean changed = false;
    for (Job job = ends.peek(); job != null && job.end <= now; job = ends.peek()) {
      ends.poll();
      events++;
      if (!job.lost) {
        scaler.release(job.key);
        leave(job);
        changed = true;
      }
    }
    for (TraceJob a = nextArrival; a != null && a.arrivalMillis() * 1_000_000 <= now; ) {
      queue.addLast(new Job(++jobs, a));
      timeline.arrival();
      events++;
      changed = true;
      a = nextArrival = trace.next();
    }
    while (!queue.isEmpty() && queue.peekFirst().arrival + acquireTimeout <= now) {
      queue.pollFirst();
      timedOut++;
    }
    if (changed) {
      admit(scaler);
    }
    if (!scaler.nextTickAt().isAfter(clock.instant())) {
      scaler.tick();
      events++;
      if (awaitingService) {
        // Only a loop step puts instances in service; a snapshot is taken only when one may have.
        inService = inService(scaler);
      }
      admit(scaler);
    }
  }

  /** Lets queued jobs reserve, in arrival order, until one is refused. */
  private void admit(TaskScaler scaler) {
    for (Job job = queue.peekFirst(); job != null; job = queue.peekFirst()) {
      ReserveResult result = scaler.reserve(job.key);
      switch (result) {
        case RESERVED, ACCEPTED_PENDING -> {
          queue.pollFirst();
          acquire(scaler, job);
        }
        case NO_CAPACITY -> {
          return;
        }
        case ALREADY_HELD ->
            throw new IllegalStateException("key " + job.key + " is already held by the scaler");
      }
    }
  }

  private void acquire(TaskScaler scaler, Job job) {
    acquiring++;
    Duration left = Duration.ofNanos(job.arrival + acquireTimeout - now);
    // The callback runs inside whichever scaler call completes the acquisition, on this thread.
    CompletableFuture<?> unused =
        scaler
            .acquire(job.key, left)
            .whenComplete(
                (acquisition, error) -> {
                  acquiring--;
                  if (acquisition != null) {
                    start(job, acquisition);
                  } else {
                    timedOut++;
                  }
                });
  }

  /** Runs on the loop's thread: the scaler completes acquisitions inside the calls it makes. */
  private void start(Job job, Acquisition acquisition) {
    waits.record(now - job.arrival);
    job.end = now + job.duration;
    job.instanceId = acquisition.instanceId();
    jobsOn.merge(job.instanceId, 1, Integer::sum);
    running++;
    ends.add(job);
    CompletionStage<?> unused =
        acquisition
            .cancellation()
            .thenAccept(
                cause -> {
                  if (!job.lost && job.end > now) {
                    job.lost = true;
                    interrupted++;
                    leave(job);
                  }
                });
  }

  private void leave(Job job) {
    running--;
    String id = job.instanceId;
    if (id != null) {
      jobsOn.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1);
    }
  }

  private static Set<String> inService(TaskScaler scaler) {
    Set<String> ids = new HashSet<>();
    for (InstanceInfo info : scaler.snapshot().instances()) {
      InstancePhase p = info.phase();
      if (p == InstancePhase.READY || p == InstancePhase.UNHEALTHY || p == InstancePhase.DRAINING) {
        ids.add(info.id());
      }
    }
    return ids;
  }

  /** Reads the levels after a step: the cloud's truth, split by the scaler's view and the jobs. */
  private void sample() {
    int booting = 0;
    int idle = 0;
    int busy = 0;
    int deleting = 0;
    int suspended = 0;
    awaitingService = false;
    for (InstanceStatus s : cloud.snapshot()) {
      switch (s.state()) {
        case CREATING, RESUMING -> booting++;
        case SUSPENDED -> suspended++;
        case SUSPENDING -> idle++; // readied, doing no work, still billed as running
        case RUNNING -> {
          if (!inService.contains(s.id())) {
            booting++;
            awaitingService = true;
          } else if (jobsOn.containsKey(s.id())) {
            busy++;
          } else {
            idle++;
          }
        }
        case DELETING, TIMEOUT, DELETED -> deleting++;
      }
    }
    timeline.set(booting, idle, busy, deleting, queue.size() + acquiring, running, suspended);
  }

  private SimulationResult result(Duration wallTime) {
    return new SimulationResult(
        scenario.name(),
        jobs,
        timedOut,
        interrupted,
        waits.stats(),
        timeline.hours(scenario.standbyCost()),
        timeline.peakInstances(),
        count("fleeting.taskscaler.scale.operations", "operation", "up"),
        byTag("fleetscaler.instance.deletions", "reason"),
        count("fleetscaler.instances.vanished", null, null),
        byTag("fleetscaler.did.not.scale", "reason"),
        Duration.ofNanos(now),
        wallTime,
        events);
  }

  private long count(String name, @Nullable String tag, @Nullable String value) {
    long sum = 0;
    for (FunctionCounter c : registry.find(name).functionCounters()) {
      if (tag == null || value == null || value.equals(c.getId().getTag(tag))) {
        sum += (long) c.count();
      }
    }
    return sum;
  }

  private Map<String, Long> byTag(String name, String tag) {
    Map<String, Long> result = new TreeMap<>();
    for (FunctionCounter c : registry.find(name).functionCounters()) {
      String value = c.getId().getTag(tag);
      long n = (long) c.count();
      if (value != null && n > 0) {
        result.merge(value, n, Long::sum);
      }
    }
    return result;
  }

  private Instant instant(long nanos) {
    return scenario.start().plusNanos(nanos);
  }

  private long nanos(@Nullable Instant at) {
    if (at == null) {
      return Long.MAX_VALUE;
    }
    return Duration.between(scenario.start(), at).toNanos();
  }
}
