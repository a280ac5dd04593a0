package io.fleetscaler.daemon;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Runs an action on SIGHUP. The JDK has no public signal API; {@code sun.misc.Signal} (module
 * {@code jdk.unsupported}, kept for exactly this use) is reached by reflection because javac warns
 * on every direct use of it and the build treats warnings as errors.
 */
final class HangupSignal {
  private HangupSignal() {}

  /** What {@link #install} achieved. */
  enum Installed {
    /** The action runs on SIGHUP. */
    YES,
    /**
     * SIGHUP was ignored when the JVM started (under {@code nohup}, or a parent that ignored it):
     * the JVM keeps an ignored shutdown signal ignored, and Java cannot re-arm it, so the action
     * never runs.
     */
    IGNORED_AT_START,
    /** This JVM offers no way to handle signals ({@code -Xrs}, no {@code jdk.unsupported}). */
    UNSUPPORTED
  }

  @SuppressWarnings("ReferenceEquality") // a handler equals only itself, as Object.equals says
  private static boolean same(Object a, Object b) {
    return a == b;
  }

  /**
   * Installs {@code action} as the SIGHUP handler; it runs on the JVM's signal thread, so it should
   * hand work off rather than block.
   *
   * @return whether the action will run; it never runs unless {@link Installed#YES}
   */
  static Installed install(Runnable action) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object signal = signalClass.getConstructor(String.class).newInstance("HUP");
      InvocationHandler onSignal =
          (Object proxy, Method method, Object[] args) -> {
            if (method.getName().equals("handle")) {
              action.run();
              return null;
            }
            // The JDK only ever calls handle; Object's methods are answered by identity.
            return switch (method.getName()) {
              case "toString" -> "fleetscaler SIGHUP handler";
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> same(proxy, args[0]);
              default -> throw new UnsupportedOperationException(method.getName());
            };
          };
      Object handler =
          Proxy.newProxyInstance(
              HangupSignal.class.getClassLoader(), new Class<?>[] {handlerClass}, onSignal);
      // HotSpot registers no handler for a shutdown signal that was ignored at start, and says so
      // only by returning SIG_IGN as the previous handler.
      Object previous =
          signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
      Object ignored = handlerClass.getField("SIG_IGN").get(null);
      return previous != null && same(previous, ignored)
          ? Installed.IGNORED_AT_START
          : Installed.YES;
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      return Installed.UNSUPPORTED;
    }
  }
}
