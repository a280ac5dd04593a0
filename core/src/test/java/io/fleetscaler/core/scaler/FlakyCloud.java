package io.fleetscaler.core.scaler;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import java.util.List;

/**
 * A recording fake around the simulated cloud: counts decrease calls and fails the next ones on
 * demand, as a cloud API does when it is throttling. Increases and decreases can also lose their
 * answer (the cloud acts, the caller gets an error, as behind a proxy that drops the reply) or be
 * refused before reaching the cloud; with a random source, every call of update, increase and
 * decrease is lost, refused or passed at random. Heartbeats and connect info calls are counted, and
 * heartbeats can be made to fail.
 */
final class FlakyCloud implements InstanceGroup {
  final SimulatedInstanceGroup cloud;
  private int failDecreases;
  private int failUpdates;
  private int decreaseCalls;
  private int loseIncreases;
  private int refuseIncreases;
  private int loseDecreases;
  private int increaseCalls;
  private int launched;
  private java.util.random.@org.jspecify.annotations.Nullable RandomGenerator random;
  private double lossRate;
  private int failHeartbeats;
  private int heartbeatCalls;
  private int connectInfoCalls;

  FlakyCloud(SimulatedInstanceGroup cloud) {
    this.cloud = cloud;
  }

  synchronized void failNextDecreases(int n) {
    failDecreases = n;
  }

  synchronized void failNextUpdates(int n) {
    failUpdates = n;
  }

  synchronized int decreaseCalls() {
    return decreaseCalls;
  }

  /**
   * The next {@code n} increases reach the cloud, which starts the instances; the answer is lost.
   */
  synchronized void loseNextIncreaseAnswers(int n) {
    loseIncreases = n;
  }

  /** The next {@code n} increases time out before reaching the cloud. */
  synchronized void refuseNextIncreases(int n) {
    refuseIncreases = n;
  }

  /** The next {@code n} decreases reach the cloud, which deletes; the answer is lost. */
  synchronized void loseNextDecreaseAnswers(int n) {
    loseDecreases = n;
  }

  /**
   * From now on each update, increase and decrease fails with probability {@code rate}: half of
   * those after the cloud acted (a lost answer), half before (a timeout on the way), drawn from
   * {@code from}; {@code rate} 0 stops the faults.
   */
  synchronized void randomFaults(java.util.random.RandomGenerator from, double rate) {
    random = from;
    lossRate = rate;
  }

  /** The next {@code n} heartbeats answer that the instance is unhealthy. */
  synchronized void failNextHeartbeats(int n) {
    failHeartbeats = n;
  }

  synchronized int heartbeatCalls() {
    return heartbeatCalls;
  }

  synchronized int connectInfoCalls() {
    return connectInfoCalls;
  }

  synchronized int increaseCalls() {
    return increaseCalls;
  }

  /** Instances the cloud started for increases, whether or not the answer arrived. */
  synchronized int launched() {
    return launched;
  }

  /** 0: pass; 1: lose the answer; 2: refuse. */
  private int randomFault() {
    java.util.random.RandomGenerator r = random;
    if (r == null || lossRate <= 0 || r.nextDouble() >= lossRate) {
      return 0;
    }
    return r.nextBoolean() ? 1 : 2;
  }

  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    return cloud.init(settings, pluginConfigJson);
  }

  @Override
  public synchronized List<InstanceStatus> update() {
    if (failUpdates > 0) {
      failUpdates--;
      throw new ProviderException.Unavailable("simulated API outage");
    }
    int fault = randomFault();
    if (fault == 2) {
      throw new ProviderException.Unavailable("simulated timeout");
    }
    List<InstanceStatus> report = cloud.update();
    if (fault == 1) {
      throw new ProviderException.Unavailable("simulated lost answer");
    }
    return report;
  }

  @Override
  public synchronized int increase(int delta) {
    increaseCalls++;
    int fault = randomFault();
    if (refuseIncreases > 0 || fault == 2) {
      refuseIncreases = Math.max(0, refuseIncreases - 1);
      throw new ProviderException.Unavailable("simulated timeout before the cloud");
    }
    int granted = cloud.increase(delta);
    launched += granted;
    if (loseIncreases > 0 || fault == 1) {
      loseIncreases = Math.max(0, loseIncreases - 1);
      throw new ProviderException.Unavailable("simulated lost answer: 500 InternalFailure");
    }
    return granted;
  }

  @Override
  public synchronized List<String> decrease(List<String> ids) {
    decreaseCalls++;
    if (failDecreases > 0) {
      failDecreases--;
      throw new ProviderException.Unavailable("simulated API throttling");
    }
    int fault = randomFault();
    if (fault == 2) {
      throw new ProviderException.Unavailable("simulated timeout before the cloud");
    }
    List<String> accepted = cloud.decrease(ids);
    if (loseDecreases > 0 || fault == 1) {
      loseDecreases = Math.max(0, loseDecreases - 1);
      throw new ProviderException.Unavailable("simulated lost answer");
    }
    return accepted;
  }

  @Override
  public ConnectInfo connectInfo(String id) {
    synchronized (this) {
      connectInfoCalls++;
    }
    return cloud.connectInfo(id);
  }

  @Override
  public void heartbeat(String id) {
    synchronized (this) {
      heartbeatCalls++;
      if (failHeartbeats > 0) {
        failHeartbeats--;
        throw new ProviderException.Unhealthy("simulated failing health check");
      }
    }
    cloud.heartbeat(id);
  }

  @Override
  public void shutdown() {
    cloud.shutdown();
  }
}
