package io.fleetscaler.core.scaler;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.simulated.ManualClock;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The JVM that {@link CrashRestartTest} kills: a scaler with state storage on a {@link FileCloud}
 * doing seeded random work, reporting on stdout every acquisition it was handed ({@code ACQ key
 * instance slot}) and every release before it asks for it ({@code RELEASING key}).
 *
 * <p>Arguments: state dir, cloud file, seed, key prefix, kill operation ({@code increase}, {@code
 * decrease} or {@code none}), and on which call of it to stop ({@code KILLPOINT} is printed and the
 * JVM waits to be killed).
 */
public final class CrashChild {
  private CrashChild() {}

  static TaskScaler.Builder options(TaskScaler.Builder b, ManualClock clock, Path stateDir) {
    return b.clock(clock)
        .manualTicks()
        .randomSeed(3)
        .capacityPerInstance(2)
        .maxUseCount(6)
        .maxInstances(4)
        .keepInstanceWithAcquisitions(true)
        .stateSaveDelay(Duration.ofMillis(5))
        .policies(List.of(Policy.of(1).withIdleTime(Duration.ofMinutes(1))))
        .stateStorage(stateDir);
  }

  public static void main(String[] args) throws Exception {
    Path stateDir = Path.of(args[0]);
    Path cloudFile = Path.of(args[1]);
    Random random = new Random(Long.parseLong(args[2]));
    String prefix = args[3];
    String killOp = args[4];
    int killOn = Integer.parseInt(args[5]);
    PrintStream out = System.out;
    int[] calls = {0};
    FileCloud cloud =
        new FileCloud(
            cloudFile,
            op -> {
              if (op.equals(killOp) && ++calls[0] == killOn) {
                out.println("KILLPOINT " + op);
                out.flush();
                try {
                  Thread.sleep(Duration.ofMinutes(5));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            });
    ManualClock clock = new ManualClock();
    TaskScaler scaler = options(TaskScaler.builder(cloud), clock, stateDir).build();
    out.println("READY");
    out.flush();
    List<String> held = new ArrayList<>();
    for (int n = 0; n < 10_000; n++) {
      int op = random.nextInt(10);
      if (held.size() >= 6) {
        op = 5;
      }
      if (op < 4) {
        String key = prefix + "-" + n;
        out.println("ACQUIRING " + key);
        out.flush();
        CompletableFuture<Acquisition> f = scaler.acquire(key, Duration.ofMinutes(2));
        for (int t = 0; t < 4 && !f.isDone(); t++) {
          clock.advance(Duration.ofSeconds(2));
          scaler.tick();
        }
        try {
          Acquisition a = f.get(2, TimeUnit.SECONDS);
          held.add(key);
          out.println("ACQ " + key + " " + a.instanceId() + " " + a.slot());
          out.flush();
        } catch (ExecutionException | TimeoutException e) {
          f.cancel(false); // no slot in time: nothing was handed out, give up the wait
        }
      } else if (op < 7 && !held.isEmpty()) {
        String key = held.remove(random.nextInt(held.size()));
        out.println("RELEASING " + key);
        out.flush();
        scaler.release(key);
      } else {
        clock.advance(Duration.ofSeconds(random.nextInt(40)));
        scaler.tick();
      }
    }
    out.println("DONE");
    out.flush();
    Thread.sleep(Duration.ofMinutes(5));
  }
}
