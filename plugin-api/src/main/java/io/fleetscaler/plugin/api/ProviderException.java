package io.fleetscaler.plugin.api;

import org.jspecify.annotations.Nullable;

/**
 * Every failure a plugin can report, as a closed set. Callers handle it with an exhaustive {@code
 * switch}; {@link #retryable()} says whether trying the same call again later can succeed.
 *
 * <p>On the wire each kind maps to one gRPC status code (see {@code plugin-sdk}), so the kind
 * survives the process boundary.
 */
public abstract sealed class ProviderException extends RuntimeException
    permits ProviderException.NotFound,
        ProviderException.Unhealthy,
        ProviderException.Capacity,
        ProviderException.Unavailable,
        ProviderException.InvalidConfig,
        ProviderException.Unsupported {

  private static final long serialVersionUID = 1L;

  ProviderException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /** Whether the same call may succeed if tried again later. */
  public abstract boolean retryable();

  /** The instance (or group) does not exist. */
  public static final class NotFound extends ProviderException {
    private static final long serialVersionUID = 1L;

    public NotFound(String message) {
      super(message, null);
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }

  /** The instance exists but is broken; the scaler replaces it. */
  public static final class Unhealthy extends ProviderException {
    private static final long serialVersionUID = 1L;

    public Unhealthy(String message) {
      super(message, null);
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }

  /** The cloud has no capacity or a quota is exhausted; retry later, with backoff. */
  public static final class Capacity extends ProviderException {
    private static final long serialVersionUID = 1L;

    public Capacity(String message) {
      super(message, null);
    }

    public Capacity(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    public boolean retryable() {
      return true;
    }
  }

  /** Throttled, timed out or unreachable; retry with backoff. */
  public static final class Unavailable extends ProviderException {
    private static final long serialVersionUID = 1L;

    private final boolean deadlineExceeded;

    public Unavailable(String message) {
      this(message, null, false);
    }

    public Unavailable(String message, Throwable cause) {
      this(message, cause, false);
    }

    private Unavailable(String message, @Nullable Throwable cause, boolean deadlineExceeded) {
      super(message, cause);
      this.deadlineExceeded = deadlineExceeded;
    }

    /**
     * The call's deadline passed before the plugin answered: the caller stopped waiting, and the
     * plugin may still carry the call out. The same whether the plugin runs in this process or
     * behind the wire ({@code DEADLINE_EXCEEDED}).
     */
    public static Unavailable deadlineExceeded(String message, @Nullable Throwable cause) {
      return new Unavailable(message, cause, true);
    }

    /** Whether this is a call that ran past its deadline (see {@link #deadlineExceeded}). */
    public boolean deadlineExceeded() {
      return deadlineExceeded;
    }

    @Override
    public boolean retryable() {
      return true;
    }
  }

  /** The configuration or credentials are wrong; never retried until the operator fixes them. */
  public static final class InvalidConfig extends ProviderException {
    private static final long serialVersionUID = 1L;

    public InvalidConfig(String message) {
      super(message, null);
    }

    public InvalidConfig(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }

  /** The plugin does not implement this operation. */
  public static final class Unsupported extends ProviderException {
    private static final long serialVersionUID = 1L;

    public Unsupported(String message) {
      super(message, null);
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }
}
