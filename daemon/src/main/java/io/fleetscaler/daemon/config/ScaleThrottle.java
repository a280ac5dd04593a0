package io.fleetscaler.daemon.config;

/**
 * {@code [scale_throttle]}: a token bucket for instance creation.
 *
 * @param limit instances per second; 0 means 100, -1 unlimited
 * @param burst bucket size; 0 means {@code max_instances}
 */
public record ScaleThrottle(double limit, int burst) {

  /** gitlab-runner's defaults: 100 per second, a burst of {@code max_instances}. */
  public static final ScaleThrottle DEFAULT = new ScaleThrottle(0, 0);

  public ScaleThrottle {
    if (!(limit == -1 || limit >= 0) || Double.isInfinite(limit)) {
      throw new IllegalArgumentException("limit must be -1 or >= 0, got " + limit);
    }
    if (burst < 0) {
      throw new IllegalArgumentException("burst must be >= 0, got " + burst);
    }
  }
}
