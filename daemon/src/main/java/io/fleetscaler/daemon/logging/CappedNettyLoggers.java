package io.fleetscaler.daemon.logging;

import io.netty.util.internal.logging.AbstractInternalLogger;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.io.Serial;

/**
 * The logger factory of the unshaded Netty on the daemon's class path (the HTTP endpoints, whose
 * requests may carry a scraper's {@code Authorization} header): {@code java.util.logging} loggers
 * capped at INFO, as the plugin SDK's {@code CappedNettyLoggers} does for the Netty shaded into
 * grpc-netty-shaded. The two Nettys are distinct classes with distinct factories, hence two copies
 * of these few lines; each must be installed before its Netty creates the loggers it should cap.
 */
@SuppressWarnings("deprecation") // JdkLoggerFactory's constructor: the way to reuse its loggers
final class CappedNettyLoggers extends JdkLoggerFactory {
  private static final CappedNettyLoggers INSTANCE = new CappedNettyLoggers();

  private CappedNettyLoggers() {}

  /**
   * Makes this the factory of every Netty logger created from now on; idempotent. Never asks for
   * the current factory first: Netty would pick and announce its default one at DEBUG, uncapped.
   */
  static void install() {
    InternalLoggerFactory.setDefaultFactory(INSTANCE);
  }

  @Override
  public InternalLogger newInstance(String name) {
    return new InfoAndAbove(super.newInstance(name));
  }

  /** A Netty logger that drops trace and debug and passes the rest on. */
  static final class InfoAndAbove extends AbstractInternalLogger {
    @Serial private static final long serialVersionUID = 1L;

    private final transient InternalLogger delegate;

    InfoAndAbove(InternalLogger delegate) {
      super(delegate.name());
      this.delegate = delegate;
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public void trace(String msg) {}

    @Override
    public void trace(String format, Object arg) {}

    @Override
    public void trace(String format, Object argA, Object argB) {}

    @Override
    public void trace(String format, Object... arguments) {}

    @Override
    public void trace(String msg, Throwable t) {}

    @Override
    public boolean isDebugEnabled() {
      return false;
    }

    @Override
    public void debug(String msg) {}

    @Override
    public void debug(String format, Object arg) {}

    @Override
    public void debug(String format, Object argA, Object argB) {}

    @Override
    public void debug(String format, Object... arguments) {}

    @Override
    public void debug(String msg, Throwable t) {}

    @Override
    public boolean isInfoEnabled() {
      return delegate.isInfoEnabled();
    }

    @Override
    public void info(String msg) {
      delegate.info(msg);
    }

    @Override
    public void info(String format, Object arg) {
      delegate.info(format, arg);
    }

    @Override
    public void info(String format, Object argA, Object argB) {
      delegate.info(format, argA, argB);
    }

    @Override
    public void info(String format, Object... arguments) {
      delegate.info(format, arguments);
    }

    @Override
    public void info(String msg, Throwable t) {
      delegate.info(msg, t);
    }

    @Override
    public boolean isWarnEnabled() {
      return delegate.isWarnEnabled();
    }

    @Override
    public void warn(String msg) {
      delegate.warn(msg);
    }

    @Override
    public void warn(String format, Object arg) {
      delegate.warn(format, arg);
    }

    @Override
    public void warn(String format, Object... arguments) {
      delegate.warn(format, arguments);
    }

    @Override
    public void warn(String format, Object argA, Object argB) {
      delegate.warn(format, argA, argB);
    }

    @Override
    public void warn(String msg, Throwable t) {
      delegate.warn(msg, t);
    }

    @Override
    public boolean isErrorEnabled() {
      return delegate.isErrorEnabled();
    }

    @Override
    public void error(String msg) {
      delegate.error(msg);
    }

    @Override
    public void error(String format, Object arg) {
      delegate.error(format, arg);
    }

    @Override
    public void error(String format, Object argA, Object argB) {
      delegate.error(format, argA, argB);
    }

    @Override
    public void error(String format, Object... arguments) {
      delegate.error(format, arguments);
    }

    @Override
    public void error(String msg, Throwable t) {
      delegate.error(msg, t);
    }
  }
}
